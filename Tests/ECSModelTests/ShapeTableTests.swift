import Foundation
import Testing

@testable import ECSModel

/// Every hand-written structure type.
let allShapeTypes: [any ECSShape.Type] = [
    RegisterTaskDefinitionRequest.self, RegisterTaskDefinitionResponse.self,
    DescribeTaskDefinitionRequest.self, DescribeTaskDefinitionResponse.self,
    DeregisterTaskDefinitionRequest.self, DeregisterTaskDefinitionResponse.self,
    TaskDefinition.self, Attribute.self, TaskDefinitionPlacementConstraint.self, RuntimePlatform.self,
    ProxyConfiguration.self, EphemeralStorage.self, InferenceAccelerator.self, Tag.self,
    ContainerDefinition.self, RepositoryCredentials.self, ContainerRestartPolicy.self, KeyValuePair.self,
    EnvironmentFile.self, Secret.self, ContainerDependency.self, HostEntry.self, Ulimit.self,
    SystemControl.self, ResourceRequirement.self, MountPoint.self, VolumeFrom.self,
    LinuxParameters.self, KernelCapabilities.self, Device.self, Tmpfs.self, PortMapping.self,
    LogConfiguration.self, FirelensConfiguration.self, HealthCheck.self,
    Volume.self, HostVolumeProperties.self, DockerVolumeConfiguration.self, EFSVolumeConfiguration.self,
    EFSAuthorizationConfig.self, S3FilesVolumeConfiguration.self,
    FSxWindowsFileServerVolumeConfiguration.self, FSxWindowsFileServerAuthorizationConfig.self,
]

/// Every hand-written enum type.
let allEnumTypes: [any ECSEnum.Type] = [
    NetworkMode.self, Compatibility.self, LaunchType.self, PidMode.self, IpcMode.self,
    TaskDefinitionStatus.self, TaskDefinitionField.self, TaskDefinitionPlacementConstraintType.self,
    CPUArchitecture.self, OSFamily.self, ProxyConfigurationType.self, TargetType.self,
    TransportProtocol.self, ApplicationProtocol.self, ContainerCondition.self, UlimitName.self,
    LogDriver.self, DeviceCgroupPermission.self, EnvironmentFileType.self, ResourceType.self,
    FirelensConfigurationType.self, VersionConsistency.self, Scope.self, EFSTransitEncryption.self,
    EFSAuthorizationConfigIAM.self,
]

private func codingKeys<T: ECSShape>(_: T.Type) -> [String] {
    T.CodingKeys.allCases.map(\.stringValue)
}

private func knownRawValues<T: ECSEnum>(_: T.Type) -> [String] {
    T.knownValues.map(\.rawValue)
}

/// Shapes reachable from `roots` in the table.
private func reachable(from roots: [String]) -> Set<String> {
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

@Suite("Hand-written types against the generated shape table")
struct ShapeTableTests {
    @Test(
        "CodingKeys equal the model's members, in model order",
        arguments: allShapeTypes.map { ($0.shapeName, codingKeys($0)) })
    func codingKeysMatchModel(shape: String, keys: [String]) {
        #expect(ShapeTable.memberNames(of: shape) == keys, "\(shape)")
    }

    @Test(
        "Known enum values equal the model's enum", arguments: allEnumTypes.map { ($0.shapeName, knownRawValues($0)) })
    func enumValuesMatchModel(shape: String, values: [String]) {
        #expect(ShapeTable.enumValues(of: shape) == values, "\(shape)")
    }

    @Test(
        "Decoding {} succeeds exactly when the model requires no member",
        arguments: allShapeTypes.map { $0 as any ECSShape.Type })
    func optionalityMatchesRequired(type: any ECSShape.Type) throws {
        let required = try #require(ShapeTable.requiredMembers(of: type.shapeName))
        let decoded = try? JSONDecoder().decode(type, from: Data("{}".utf8))
        #expect((decoded != nil) == required.isEmpty, "\(type.shapeName) requires \(required)")
    }

    @Test("Every structure and enum of the task-definition side has a hand-written type")
    func taskDefinitionSideIsComplete() {
        let handWritten = Set(allShapeTypes.map { $0.shapeName } + allEnumTypes.map { $0.shapeName })
        let roots = [
            "RegisterTaskDefinitionRequest", "RegisterTaskDefinitionResponse",
            "DescribeTaskDefinitionRequest", "DescribeTaskDefinitionResponse",
            "DeregisterTaskDefinitionRequest", "DeregisterTaskDefinitionResponse",
        ]
        for name in reachable(from: roots).sorted() {
            switch ShapeTable.shapes[name] {
            case .structure?:
                #expect(handWritten.contains(name), "no type for structure \(name)")
            case .string(_, _, let values?)?:
                #expect(handWritten.contains(name), "no type for enum \(name) \(values)")
            default: break
            }
        }
    }

    @Test("The table is closed and covers RegisterTaskDefinition and RunTask")
    func tableIsClosed() {
        let names = reachable(from: ["RegisterTaskDefinitionRequest", "RunTaskRequest", "RunTaskResponse"])
        for name in names { #expect(ShapeTable.shapes[name] != nil, "\(name) missing from the table") }
        #expect(names.contains("TaskManagedEBSVolumeConfiguration"))
        #expect(names.contains("Container"))
        #expect(ShapeTable.operations["RunTask"]?.input == "RunTaskRequest")
        #expect(ShapeTable.requiredMembers(of: "RegisterTaskDefinitionRequest") == ["family", "containerDefinitions"])
        #expect(!ShapeTable.botocoreVersion.isEmpty)
    }

    @Test("ECSErrorType.modelled lists every error shape of the model")
    func errorTypesMatchModel() {
        #expect(ECSErrorType.modelled.map(\.rawValue) == ShapeTable.errors.map(\.name))
        #expect(ECSErrorType.serverException.isFault)
        #expect(ECSErrorType.serverException.httpStatusCode == 500)
        #expect(ECSErrorType.clientException.httpStatusCode == 400)
        #expect(!ECSErrorType.modelled.contains(.serializationException))
    }
}
