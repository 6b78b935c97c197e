import Foundation
import SwitchyardCore

/// A `HOST:PORT` to listen on, as typed on the command line.
struct ListenAddress: CustomStringConvertible {
    var host: String
    var port: Int

    init(parsing text: String, option: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port),
              colon != text.startIndex else {
            throw SwitchyardError.usage("\(option) '\(text)' is not HOST:PORT", hint: "for example \(option) 127.0.0.1:8080")
        }
        host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        self.port = port
    }

    var description: String { "\(host):\(port)" }
}
