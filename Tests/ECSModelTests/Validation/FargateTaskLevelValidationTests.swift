import ECSModel
import Testing

@Suite("Fargate task-level settings")
struct FargateTaskLevelValidationTests {
    @Test("Fargate needs awsvpc; no network mode means bridge")
    func networkMode() {
        let message = "Fargate only supports network mode ‘awsvpc’."
        Registration.expectRejected(Registration.seed { $0.networkMode = nil }, message)
        Registration.expectRejected(Registration.seed { $0.networkMode = .bridge }, message)
        Registration.expectRejected(Registration.seed { $0.networkMode = .host }, message)
        Registration.expectRejected(Registration.seed { $0.networkMode = NetworkMode.none }, message)
    }

    @Test("Without FARGATE any network mode is accepted")
    func networkModeOnEC2() {
        Registration.expectAccepted(Registration.ec2 { $0.networkMode = nil })
        Registration.expectAccepted(Registration.seed { $0.requiresCompatibilities = nil })
    }

    @Test("pidMode may only be task")
    func pidMode() {
        Registration.expectRejected(
            Registration.seed { $0.pidMode = .host },
            "Tasks using the Fargate launch type do not support pidMode 'host'. "
                + "The supported value for pidMode is 'task'.")
        Registration.expectAccepted(Registration.seed { $0.pidMode = .task })
        Registration.expectAccepted(Registration.ec2 { $0.pidMode = .host })
    }

    @Test("ipcMode is not supported", arguments: [IpcMode.host, IpcMode.task, IpcMode.none])
    func ipcMode(mode: IpcMode) {
        Registration.expectRejected(
            Registration.seed { $0.ipcMode = mode }, "Tasks using the Fargate launch type do not support ipcMode.")
        Registration.expectAccepted(Registration.ec2 { $0.ipcMode = mode })
    }

    @Test("placementConstraints are not supported")
    func placementConstraints() {
        let constraint = TaskDefinitionPlacementConstraint(
            type: .memberOf, expression: "attribute:ecs.os-type == linux")
        Registration.expectRejected(
            Registration.seed { $0.placementConstraints = [constraint] },
            "Fargate compatible task definitions do not support constraints")
        Registration.expectAccepted(Registration.seed { $0.placementConstraints = [] })
        Registration.expectAccepted(Registration.ec2 { $0.placementConstraints = [constraint] })
    }

    @Test("ephemeralStorage is 21-200 GiB")
    func ephemeralStorage() {
        Registration.expectRejected(
            Registration.seed { $0.ephemeralStorage = EphemeralStorage(sizeInGiB: 20) },
            "EphemeralStorage size should be at least 21")
        Registration.expectAccepted(Registration.seed { $0.ephemeralStorage = EphemeralStorage(sizeInGiB: 21) })
        Registration.expectAccepted(Registration.seed { $0.ephemeralStorage = EphemeralStorage(sizeInGiB: 200) })
        Registration.expectRejected(
            Registration.seed { $0.ephemeralStorage = EphemeralStorage(sizeInGiB: 201) },
            "EphemeralStorage size should be at most 200")
    }

    @Test("Volumes: scratch space only, no host paths or Docker volumes")
    func volumes() {
        Registration.expectAccepted(
            Registration.seed { $0.volumes = [Volume(name: "scratch", host: HostVolumeProperties())] })
        Registration.expectRejected(
            Registration.seed {
                $0.volumes = [Volume(name: "data", host: HostVolumeProperties(sourcePath: "/srv/data"))]
            }, "Fargate compatible task definitions do not support sourcePath")
        Registration.expectRejected(
            Registration.seed {
                $0.volumes = [
                    Volume(name: "data", dockerVolumeConfiguration: DockerVolumeConfiguration(driver: "local"))
                ]
            }, "Fargate compatible task definitions do not support dockerVolumeConfiguration")
        Registration.expectAccepted(
            Registration.ec2 {
                $0.volumes = [Volume(name: "data", host: HostVolumeProperties(sourcePath: "/srv/data"))]
            })
    }
}
