// The floor for `make bench-router`: the same server and client libraries as the router (Hummingbird,
// async-http-client), forwarding every request to one upstream with nothing else. Not part of Switchyard.
import AsyncHTTPClient
import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import NIOHTTP1

struct Forward: HTTPResponder {
    let client: HTTPClient
    let upstream: String

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        var outgoing = HTTPClientRequest(url: upstream + request.uri.string)
        outgoing.method = HTTPMethod(rawValue: request.method.rawValue)
        for field in request.headers { outgoing.headers.add(name: field.name.rawName, value: field.value) }
        outgoing.body = .bytes(try await request.body.collect(upTo: 4 << 20))
        let answer = try await client.execute(outgoing, timeout: .seconds(30))
        let body = try await answer.body.collect(upTo: 64 << 20)
        var headers = HTTPFields()
        headers[.contentType] = answer.headers.first(name: "content-type") ?? "application/json"
        return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: ResponseBody(byteBuffer: body))
    }
}

let arguments = CommandLine.arguments
guard arguments.count == 3, let port = Int(arguments[1]) else {
    FileHandle.standardError.write(Data("usage: bare-proxy PORT UPSTREAM_URL\n".utf8))
    exit(2)
}
let client = HTTPClient(eventLoopGroupProvider: .singleton)
let app = Application(responder: Forward(client: client, upstream: arguments[2]),
                      configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)))
try await app.runService()
try await client.shutdown()
