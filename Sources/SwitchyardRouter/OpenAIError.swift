import Foundation
import Hummingbird
import HTTPTypes
import NIOCore
import NIOHTTP1
import SwitchyardCore

/// An error answered the way OpenAI answers: `{"error": {"message", "type", "code"}}` with the right status.
struct OpenAIError: Error {
    var status: HTTPResponse.Status
    var message: String
    var type: String
    var code: String?
    var headers: HTTPFields = [:]

    static func invalidRequest(_ message: String, code: String? = nil) -> OpenAIError {
        OpenAIError(status: .badRequest, message: message, type: "invalid_request_error", code: code)
    }

    static func notFound(_ message: String, code: String) -> OpenAIError {
        OpenAIError(status: .notFound, message: message, type: "invalid_request_error", code: code)
    }

    var body: JSONValue {
        ["error": ["message": .string(message), "type": .string(type), "code": code.map(JSONValue.string) ?? .null]]
    }

    var response: Response {
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(string: body.canonicalText)))
    }

    /// The error as the data plane writes it.
    var answer: PlainAnswer {
        var fields = HTTPHeaders()
        for field in headers { fields.add(name: field.name.rawName, value: field.value) }
        return PlainAnswer(status: HTTPResponseStatus(statusCode: status.code), headers: fields, json: body)
    }
}
