import ECSModel
import Foundation
import Images
import Logging
import Store

/// The ECS operations berthd serves: decode the request (botocore's validation rules), apply ECS's
/// semantics with the store and the engine, encode the response. Transport-agnostic; the API layer
/// routes `X-Amz-Target` operations here.
public final class ECSService: Sendable {
    let configuration: ServiceConfiguration
    let store: BerthStore
    let engine: EngineEnvironment
    let tasks: TaskRegistry
    let pulls = FinishedPulls()
    var logger: Logger { engine.logger }

    public init(configuration: ServiceConfiguration, store: BerthStore, engine: EngineEnvironment) {
        self.configuration = configuration
        self.store = store
        self.engine = engine
        tasks = TaskRegistry()
    }

    public static let operations: Set<String> = [
        "RegisterTaskDefinition", "DeregisterTaskDefinition", "DescribeTaskDefinition", "ListTaskDefinitions",
        "ListTaskDefinitionFamilies", "DeleteTaskDefinitions", "CreateCluster", "DescribeClusters", "ListClusters",
        "DeleteCluster", "RunTask", "StopTask", "DescribeTasks", "ListTasks", "TagResource", "UntagResource",
        "ListTagsForResource",
    ]

    public func handle(operation: String, body: Data) async throws -> Data {
        do {
            switch operation {
            case "RegisterTaskDefinition": return try encode(registerTaskDefinition(decode(body)))
            case "DeregisterTaskDefinition": return try encode(deregisterTaskDefinition(decode(body)))
            case "DescribeTaskDefinition": return try encode(describeTaskDefinition(decode(body)))
            case "ListTaskDefinitions": return try encode(listTaskDefinitions(decode(body)))
            case "ListTaskDefinitionFamilies": return try encode(listTaskDefinitionFamilies(decode(body)))
            case "DeleteTaskDefinitions": return try encode(deleteTaskDefinitions(decode(body)))
            case "CreateCluster": return try encode(createCluster(decode(body)))
            case "DescribeClusters": return try encode(describeClusters(decode(body)))
            case "ListClusters": return try encode(listClusters(decode(body)))
            case "DeleteCluster": return try encode(deleteCluster(decode(body)))
            case "RunTask": return try encode(await runTask(decode(body)))
            case "StopTask": return try encode(await stopTask(decode(body)))
            case "DescribeTasks": return try encode(describeTasks(decode(body)))
            case "ListTasks": return try encode(listTasks(decode(body)))
            case "TagResource": return try encode(tagResource(decode(body)))
            case "UntagResource": return try encode(untagResource(decode(body)))
            case "ListTagsForResource": return try encode(listTagsForResource(decode(body)))
            case "BerthGetTaskLogs": return try getTaskLogs(body)
            case "BerthGetTaskStats": return try await getTaskStats(body)
            case let name where Self.imageOperations.contains(name):
                return try await handleImages(name, body: body)
            case let name where name.hasPrefix("BerthNetwork"):
                return try handleEC2(String(name.dropFirst(12)), body: body)
            default:
                throw ECSError(.init(rawValue: "UnknownOperationException"), "Unknown operation \(operation)")
            }
        } catch let error as ECSError {
            throw error
        } catch let error as ParameterValidationError {
            throw ECSError(.invalidParameterException, error.report)
        } catch let error as JSONSyntaxError {
            throw ECSError(.init(rawValue: "SerializationException"), "Malformed request body: \(error)")
        } catch let error as StoreError {
            switch error {
            case .invalidToken: throw ECSError(.invalidParameterException, "Invalid nextToken.")
            default:
                logger.error("store failure", metadata: ["operation": "\(operation)", "error": "\(error)"])
                throw ECSError(.serverException, "berthd could not complete \(operation): \(error)")
            }
        } catch let error as EngineError {
            throw ECSError(.init(rawValue: error.kind.rawValue), error.message)
        }
    }

    /// Stops every task this daemon runs and waits for them (daemon shutdown).
    public func stopAllTasks(reason: String) async {
        for supervisor in tasks.all {
            await supervisor.stop(code: .userInitiated, reason: reason)
            _ = await supervisor.waitUntilStopped()
        }
    }

    /// Whether any task this daemon runs has not reached STOPPED (so its network and cgroups must stay).
    public func hasUnfinishedTasks() async -> Bool {
        for supervisor in tasks.all where await supervisor.current.lastStatus < .stopped { return true }
        return false
    }

    func decode<T: Decodable>(_ body: Data) throws -> T {
        try StrictJSON.decode(T.self, from: body.isEmpty ? Data("{}".utf8) : body)
    }

    func encode<T: Encodable>(_ value: T) throws -> Data { try StrictJSON.encode(value) }

    static func clientError(_ message: String) -> ECSError { ECSError(.clientException, message) }
    static func invalidParameter(_ message: String) -> ECSError { ECSError(.invalidParameterException, message) }
}

/// The supervisors of tasks this daemon runs, by task ARN.
final class TaskRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var supervisors: [String: TaskSupervisor] = [:]

    func add(_ supervisor: TaskSupervisor, arn: String) { lock.withLock { supervisors[arn] = supervisor } }
    func remove(_ arn: String) { lock.withLock { _ = supervisors.removeValue(forKey: arn) } }
    func supervisor(_ arn: String) -> TaskSupervisor? { lock.withLock { supervisors[arn] } }
    var all: [TaskSupervisor] { lock.withLock { Array(supervisors.values) } }

    /// The task (ARN, supervisor) with a container of this runtime id, and the container's name.
    func find(runtimeID: String) -> (arn: String, supervisor: TaskSupervisor, container: String)? {
        lock.withLock {
            for (arn, supervisor) in supervisors {
                if let name = supervisor.runtimeIDs.first(where: { $0.value == runtimeID })?.key {
                    return (arn, supervisor, name)
                }
            }
            return nil
        }
    }
}
