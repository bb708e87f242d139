import ArgumentParser
import ECSCLI
import Foundation

/// One of berth's own operations (BerthGetTaskLogs, BerthGetTaskStats) on berthd's socket: the JSON
/// request, the decoded answer, and berthd's error message as the CLI's.
struct BerthdCall {
    let client: UnixSocketHTTPClient

    init(socket: String?) {
        client = UnixSocketHTTPClient(
            socketPath: socket ?? ProcessInfo.processInfo.environment["BERTH_SOCKET"]
                ?? ECSCommandLine.defaultSocketPath)
    }

    func send<Answer: Decodable>(_ operation: String, _ request: [String: String]) throws -> Answer {
        try JSONDecoder().decode(Answer.self, from: try sendJSON(operation, request))
    }

    /// Any JSON object in, the raw JSON answer out.
    func sendJSON(_ operation: String, _ request: [String: Any]) throws -> Data {
        let response: HTTPResponse
        do {
            response = try client.send(
                operation: operation, body: Array(try JSONSerialization.data(withJSONObject: request)))
        } catch {
            throw ValidationError("\(error)")
        }
        guard response.status == 200 else {
            let body = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any]
            let type = (body?["__type"] as? String).map { $0.split(separator: "#").last.map(String.init) ?? $0 }
            throw ValidationError("\(type ?? "Error"): \(body?["message"] as? String ?? "HTTP \(response.status)")")
        }
        return Data(response.body)
    }
}
