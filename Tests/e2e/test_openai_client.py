"""The official openai client against a real router and fake backends."""
import uuid

import openai
import pytest

from fleet import FAST


@pytest.fixture(autouse=True)
def baseline(fleet):
    for version in fleet.backends:
        fleet.set_profile(version, **FAST)
    fleet.route("support-assistant@1.0.0=100%")


def test_model_list_shows_the_logical_model(fleet):
    models = fleet.client().models.list()
    assert [m.id for m in models.data] == ["support-assistant"]


def test_chat_completion_is_answered_by_the_routed_bundle(fleet):
    raw = fleet.client().chat.completions.with_raw_response.create(
        model="support-assistant", messages=[{"role": "user", "content": "where is my parcel"}])
    completion = raw.parse()
    assert completion.choices[0].message.content.startswith("Echo:")
    assert completion.usage.completion_tokens == 8
    assert raw.headers["x-switchyard-bundle"] == "support-assistant@1.0.0"
    assert int(raw.headers["x-switchyard-generation"]) == fleet.status()["generation"]
    assert int(raw.headers["x-switchyard-overhead-us"]) > 0


def test_streaming_content_is_reassembled_and_usage_seen(fleet):
    stream = fleet.client().chat.completions.create(
        model="support-assistant", stream=True, stream_options={"include_usage": True},
        messages=[{"role": "user", "content": "hello"}])
    text, usage = "", None
    for chunk in stream:
        if chunk.choices:
            text += chunk.choices[0].delta.content or ""
        if chunk.usage:
            usage = chunk.usage
    assert text == "Echo: w0 w1 w2 w3 w4 w5 w6 w7"
    assert usage is not None and usage.completion_tokens == 8


def test_completions_embeddings_and_responses(fleet):
    client = fleet.client()
    completion = client.completions.create(model="support-assistant", prompt="Say hi", max_tokens=3)
    assert completion.choices[0].text == "Echo: w0 w1 w2"
    assert completion.choices[0].finish_reason == "length"
    embedding = client.embeddings.create(model="support-assistant", input=["one", "two"])
    assert len(embedding.data) == 2 and len(embedding.data[0].embedding) == 8
    response = client.responses.create(model="support-assistant", input="hi")
    assert response.output_text.startswith("Echo:")


def test_the_whole_bundle_is_applied(fleet):
    before = len(fleet.received("1.1.0"))
    fleet.route("support-assistant@1.1.0=100%")
    fleet.client().chat.completions.create(
        model="support-assistant", temperature=0.9,
        messages=[{"role": "system", "content": "Client rules."}, {"role": "user", "content": "hi"}])
    seen = fleet.received("1.1.0")[before:]
    assert len(seen) == 1
    body = seen[0]["body"]
    assert body["model"] == "acme/support-llm-8b"
    assert body["temperature"] == 0.9, "a field the client set is kept"
    assert body["top_p"] == 0.9 and body["max_tokens"] == 1024 and body["stop"] == ["</answer>"]
    assert body["messages"][0]["role"] == "system" and "[KB-<id>]" in body["messages"][0]["content"]
    assert body["messages"][1]["content"] == "Client rules.", "prepend keeps the client's system message"
    assert seen[0]["header:x-switchyard-model-revision"] == "a1b2c3d4e5f6"


def test_a_broken_stream_makes_the_client_raise(fleet):
    fleet.set_profile("1.0.0", stream_break_rate=1, output_tokens=8, tokens_per_second=2000)
    stream = fleet.client().chat.completions.create(
        model="support-assistant", stream=True, messages=[{"role": "user", "content": "hello"}])
    with pytest.raises(openai.APIError, match="broke off the stream"):
        for _ in stream:
            pass


def test_backend_errors_reach_the_client_as_server_errors(fleet):
    fleet.set_profile("1.0.0", error_rate=1)
    with pytest.raises(openai.InternalServerError):
        fleet.client().chat.completions.create(model="support-assistant", messages=[{"role": "user", "content": "x"}])


def test_unknown_model_is_a_404_naming_what_exists(fleet):
    with pytest.raises(openai.NotFoundError, match="available: support-assistant"):
        fleet.client().chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])


def test_tenants_get_their_own_route(fleet):
    fleet.route("--tenant", "acme", "support-assistant@2.0.0=100%")
    session = str(uuid.uuid4())
    acme = fleet.client(tenant="acme", **{"x-session-id": session}).chat.completions.with_raw_response.create(
        model="support-assistant", messages=[{"role": "user", "content": "x"}])
    other = fleet.client(tenant="globex").chat.completions.with_raw_response.create(
        model="support-assistant", messages=[{"role": "user", "content": "x"}])
    assert acme.headers["x-switchyard-bundle"] == "support-assistant@2.0.0"
    assert other.headers["x-switchyard-bundle"] == "support-assistant@1.0.0"
    fleet.cli("route", "unset", "--tenant", "acme", "--reason", "e2e")


def test_an_api_key_identifies_its_tenant(fleet):
    fleet.route("--tenant", "acme", "support-assistant@2.0.0=100%")
    by_key = fleet.client(api_key="sk-acme-2").chat.completions.with_raw_response.create(
        model="support-assistant", messages=[{"role": "user", "content": "x"}])
    unknown_key = fleet.client(api_key="sk-nobody").chat.completions.with_raw_response.create(
        model="support-assistant", messages=[{"role": "user", "content": "x"}])
    assert by_key.headers["x-switchyard-bundle"] == "support-assistant@2.0.0"
    assert unknown_key.headers["x-switchyard-bundle"] == "support-assistant@1.0.0"
    sent = fleet.received("2.0.0")[-1]
    assert "header:authorization" not in sent, "the client's key never reaches the backend"
    fleet.cli("route", "unset", "--tenant", "acme", "--reason", "e2e")
