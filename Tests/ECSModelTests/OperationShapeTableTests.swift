import Foundation
import Testing

@testable import ECSModel

/// The operations berthd serves; `generate_shapes.py` puts exactly these in the table.
let servedOperations = [
    "RegisterTaskDefinition", "DescribeTaskDefinition", "DeregisterTaskDefinition", "ListTaskDefinitions",
    "ListTaskDefinitionFamilies", "DeleteTaskDefinitions", "CreateCluster", "DescribeClusters", "ListClusters",
    "DeleteCluster", "RunTask", "StopTask", "DescribeTasks", "ListTasks", "TagResource", "UntagResource",
    "ListTagsForResource",
]

/// Every hand-written structure type of the cluster, task, list and tag operations
/// (the task-definition side is `allShapeTypes`).
let operationShapeTypes: [any ECSShape.Type] = [
    // task definitions
    ListTaskDefinitionsRequest.self, ListTaskDefinitionsResponse.self,
    ListTaskDefinitionFamiliesRequest.self, ListTaskDefinitionFamiliesResponse.self,
    DeleteTaskDefinitionsRequest.self, DeleteTaskDefinitionsResponse.self,
    // clusters
    CreateClusterRequest.self, CreateClusterResponse.self, DescribeClustersRequest.self, DescribeClustersResponse.self,
    ListClustersRequest.self, ListClustersResponse.self, DeleteClusterRequest.self, DeleteClusterResponse.self,
    Cluster.self, ClusterSetting.self, ClusterConfiguration.self, ExecuteCommandConfiguration.self,
    ExecuteCommandLogConfiguration.self, ManagedStorageConfiguration.self, CapacityProviderStrategyItem.self,
    ClusterServiceConnectDefaultsRequest.self, ClusterServiceConnectDefaults.self,
    // tasks
    RunTaskRequest.self, RunTaskResponse.self, StopTaskRequest.self, StopTaskResponse.self,
    DescribeTasksRequest.self, DescribeTasksResponse.self, ListTasksRequest.self, ListTasksResponse.self,
    ECSTask.self, Container.self, NetworkBinding.self, NetworkInterface.self, ManagedAgent.self,
    TaskEphemeralStorage.self, TaskOverride.self, ContainerOverride.self, InferenceAcceleratorOverride.self,
    NetworkConfiguration.self, AwsVpcConfiguration.self, PlacementConstraint.self, PlacementStrategy.self,
    TaskVolumeConfiguration.self, TaskManagedEBSVolumeConfiguration.self, EBSTagSpecification.self,
    TaskManagedEBSVolumeTerminationPolicy.self,
    // shared
    ECSModel.Attachment.self, Failure.self,
    // tags
    TagResourceRequest.self, TagResourceResponse.self, UntagResourceRequest.self, UntagResourceResponse.self,
    ListTagsForResourceRequest.self, ListTagsForResourceResponse.self,
]

/// Every hand-written enum type of the cluster, task, list and tag operations.
let operationEnumTypes: [any ECSEnum.Type] = [
    ECSModel.SortOrder.self, TaskDefinitionFamilyStatus.self, ClusterField.self, ClusterSettingName.self,
    ExecuteCommandLogging.self, DesiredStatus.self, TaskStopCode.self, Connectivity.self, HealthStatus.self,
    ManagedAgentName.self, TaskField.self, AssignPublicIp.self, PlacementConstraintType.self,
    PlacementStrategyType.self, PropagateTags.self, EBSResourceType.self, TaskFilesystemType.self,
]

/// Why `type`'s CodingKeys differ from the model's members (names and order), or nil if they match.
func codingKeysMismatch<T: ECSShape>(_ type: T.Type) -> String? {
    let keys = T.CodingKeys.allCases.map(\.stringValue)
    guard let members = ShapeTable.memberNames(of: T.shapeName) else {
        return "\(T.shapeName) is not a structure in the shape table"
    }
    if keys == members { return nil }
    let unknown = keys.filter { !members.contains($0) }
    let missing = members.filter { !keys.contains($0) }
    return "\(T.shapeName): not in the model \(unknown), missing \(missing), order \(keys) vs \(members)"
}

private func rawValues<T: ECSEnum>(of _: T.Type) -> [String] {
    T.knownValues.map(\.rawValue)
}

/// Shapes reachable from `roots` in the table.
private func reachableShapes(from roots: [String]) -> Set<String> {
    var seen = Set<String>()
    var stack = roots
    while let name = stack.popLast() {
        guard seen.insert(name).inserted, let shape = ShapeTable.shapes[name] else { continue }
        switch shape {
        case .structure(_, let members): stack += members.map(\.shape)
        case .list(let member, _, _): stack.append(member)
        case .map(let key, let value): stack += [key, value]
        default: break
        }
    }
    return seen
}

/// A JSON value for shape `name` with every member of every structure set, built from the table.
private func sampleJSON(_ name: String, depth: Int = 0) -> Any {
    guard depth < 16, let shape = ShapeTable.shapes[name] else { return NSNull() }
    switch shape {
    case .structure(_, let members):
        var object: [String: Any] = [:]
        for member in members { object[member.name] = sampleJSON(member.shape, depth: depth + 1) }
        return object
    case .list(let member, let min, _):
        return Array(repeating: sampleJSON(member, depth: depth + 1), count: Swift.max(1, min ?? 1))
    case .map(_, let value):
        return ["key": sampleJSON(value, depth: depth + 1)]
    case .string(let min, _, let values):
        if let first = values?.first { return first }
        return String(repeating: "x", count: Swift.max(min ?? 1, 1))
    case .integer(let min, let max, _), .long(let min, let max, _):
        return Swift.min(Swift.max(7, min ?? 7), max ?? 7)
    case .double: return 1.5
    case .boolean: return true
    case .timestamp: return 1_700_000_000.25
    case .blob: return "YmxvYg=="
    }
}

/// Decodes `json` as `T` through StrictJSON (so it is validated against the model) and re-encodes it.
private func strictRoundTrip<T: ECSShape>(_: T.Type, _ json: Data) throws -> Data {
    try StrictJSON.encode(try StrictJSON.decode(T.self, from: json))
}

/// A type whose CodingKeys misspell a member of `AwsVpcConfiguration` (`securityGroup`).
private struct MisspeltAwsVpcConfiguration: ECSShape {
    static let shapeName = "AwsVpcConfiguration"
    var subnets: [String]
    var securityGroup: [String]?
    var assignPublicIp: AssignPublicIp?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case subnets, securityGroup, assignPublicIp
    }
}

/// A type whose CodingKeys list `ListClustersRequest`'s members out of model order.
private struct ReorderedListClustersRequest: ECSShape {
    static let shapeName = "ListClustersRequest"
    var maxResults: Int?
    var nextToken: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case maxResults, nextToken
    }
}

@Suite("Operation types against the generated shape table")
struct OperationShapeTableTests {
    @Test(
        "CodingKeys equal the model's members, in model order",
        arguments: operationShapeTypes.map { $0 as any ECSShape.Type })
    func codingKeysMatchModel(type: any ECSShape.Type) {
        let mismatch = codingKeysMismatch(type)
        #expect(mismatch == nil, "\(mismatch ?? "")")
    }

    @Test("A misspelt or reordered member fails the CodingKeys check")
    func misspeltMemberIsCaught() {
        #expect(codingKeysMismatch(AwsVpcConfiguration.self) == nil)
        let misspelt = codingKeysMismatch(MisspeltAwsVpcConfiguration.self)
        #expect(misspelt?.contains("not in the model [\"securityGroup\"]") == true, "\(misspelt ?? "nil")")
        #expect(misspelt?.contains("missing [\"securityGroups\"]") == true)
        #expect(codingKeysMismatch(ReorderedListClustersRequest.self) != nil)
    }

    @Test(
        "Known enum values equal the model's enum",
        arguments: operationEnumTypes.map { ($0.shapeName, rawValues(of: $0)) })
    func enumValuesMatchModel(shape: String, values: [String]) {
        #expect(ShapeTable.enumValues(of: shape) == values, "\(shape)")
    }

    @Test(
        "Decoding {} succeeds exactly when the model requires no member",
        arguments: operationShapeTypes.map { $0 as any ECSShape.Type })
    func optionalityMatchesRequired(type: any ECSShape.Type) throws {
        let required = try #require(ShapeTable.requiredMembers(of: type.shapeName))
        let decoded = try? JSONDecoder().decode(type, from: Data("{}".utf8))
        #expect((decoded != nil) == required.isEmpty, "\(type.shapeName) requires \(required)")
        for member in required {
            var object = try #require(sampleJSON(type.shapeName) as? [String: Any])
            object[member] = nil
            let data = try JSONSerialization.data(withJSONObject: object)
            #expect(throws: ParameterValidationError.self, "\(type.shapeName) without \(member)") {
                _ = try strictRoundTrip(type, data)
            }
            #expect(throws: DecodingError.self, "\(type.shapeName) without \(member)") {
                _ = try JSONDecoder().decode(type, from: data)
            }
        }
    }

    @Test(
        "An instance with every member set (built from the model) round-trips unchanged",
        arguments: (allShapeTypes + operationShapeTypes).map { $0 as any ECSShape.Type })
    func everyMemberRoundTrips(type: any ECSShape.Type) throws {
        let json = try JSONSerialization.data(withJSONObject: sampleJSON(type.shapeName))
        let encoded = try strictRoundTrip(type, json)
        let expected = try #require(try JSONSerialization.jsonObject(with: json) as? NSDictionary)
        let actual = try #require(try JSONSerialization.jsonObject(with: encoded) as? NSDictionary)
        #expect(actual == expected, "\(type.shapeName): \(String(decoding: encoded, as: UTF8.self))")
    }

    @Test("The table holds exactly the served operations, each with a Request and Response type")
    func servedOperationsHaveTypes() throws {
        #expect(Set(ShapeTable.operations.keys) == Set(servedOperations))
        let byShape = Dictionary(
            grouping: allShapeTypes + operationShapeTypes, by: { $0.shapeName })
        for operation in servedOperations {
            let shapes = try #require(ShapeTable.operations[operation], "\(operation)")
            #expect(shapes.input == operation + "Request")
            #expect(shapes.output == operation + "Response")
            #expect(byShape[operation + "Request"]?.count == 1, "no type for \(operation)Request")
            #expect(byShape[operation + "Response"]?.count == 1, "no type for \(operation)Response")
            #expect(shapes.errors.contains("ServerException"), "\(operation)")
            for error in shapes.errors {
                #expect(ECSErrorType.modelled.contains(ECSErrorType(rawValue: error)), "\(operation): \(error)")
            }
        }
        // No two Swift types claim the same shape.
        for (shape, types) in byShape { #expect(types.count == 1, "\(shape) has \(types.count) types") }
    }

    @Test("Every structure and enum the served operations reach has a hand-written type")
    func servedOperationsAreComplete() {
        let handWritten = Set(
            (allShapeTypes + operationShapeTypes).map { $0.shapeName }
                + (allEnumTypes + operationEnumTypes).map { $0.shapeName })
        let roots = servedOperations.flatMap { op in
            [ShapeTable.operations[op]?.input, ShapeTable.operations[op]?.output].compactMap { $0 }
        }
        let reached = reachableShapes(from: roots)
        for name in reached.sorted() {
            #expect(ShapeTable.shapes[name] != nil, "\(name) missing from the table")
            switch ShapeTable.shapes[name] {
            case .structure?:
                #expect(handWritten.contains(name), "no type for structure \(name)")
            case .string(_, _, let values?)?:
                #expect(handWritten.contains(name), "no type for enum \(name) \(values)")
            default: break
            }
        }
        // And every hand-written type is reachable from a served operation.
        for name in handWritten.sorted() { #expect(reached.contains(name), "\(name) is reached by no operation") }
    }
}
