import Cgroups
import ECSModel
import Engine
import Foundation
import Images
import Isolation
import Testing

@Suite("ContainerLaunchPlanner: ECS and Docker precedence rules")
struct ContainerLaunchPlannerTests {
    let image = ImageConfig(
        env: ["PATH=/usr/bin:/bin", "FROM_IMAGE=image", "OVERRIDE_ME=image"],
        entrypoint: ["/probe"], cmd: ["report"], workingDir: "/data", user: "app")
    let context = ContainerLaunchContext(
        containerID: "0123456789abcdef0123456789abcdef", hostname: "0123456789ab", rootfsTarget: "/r/merged",
        overlayOptions: "lowerdir=/l1,upperdir=/u,workdir=/w")
    /// A host where berth may not raise nofile above 20000 (like this project's CI machines).
    let limited = UlimitPolicy { resource in resource == 7 ? 20000 : nil }
    let unlimited = UlimitPolicy { _ in nil }

    func container(_ json: String) throws -> ContainerDefinition {
        try JSONDecoder().decode(ContainerDefinition.self, from: Data(json.utf8))
    }

    func plan(_ json: String) throws -> ContainerLaunchPlan {
        try plan(json, policy: unlimited)
    }

    func plan(_ json: String, policy: UlimitPolicy) throws -> ContainerLaunchPlan {
        try ContainerLaunchPlanner.plan(container: container(json), image: image, context: context, ulimits: policy)
    }

    @Test func imageDefaultsApplyWhenTheDefinitionIsSilent() throws {
        let spec = try plan(#"{"name":"c","image":"probe"}"#).spec
        #expect(spec.args == ["/probe", "report"])
        #expect(spec.workingDirectory == "/data")
        #expect(spec.user == "app")
        #expect(spec.env == image.env)
        #expect(spec.rootfs == RootfsMount(target: "/r/merged", type: "overlay", source: context.overlayOptions))
        #expect(spec.capabilities == (try Capabilities.resolve(add: [], drop: [])))
        #expect(spec.noNewPrivileges && spec.seccomp && !spec.initProcess && !spec.readonlyRootfs)
    }

    @Test func commandReplacesOnlyCmd() throws {
        let spec = try plan(#"{"name":"c","command":["echo","hi"]}"#).spec
        #expect(spec.args == ["/probe", "echo", "hi"])
    }

    @Test func entryPointReplacesEntrypointAndDropsImageCmd() throws {
        #expect(try plan(#"{"name":"c","entryPoint":["/bin/sh","-c"]}"#).spec.args == ["/bin/sh", "-c"])
        let both = try plan(#"{"name":"c","entryPoint":["/bin/sh","-c"],"command":["exit 3"]}"#).spec
        #expect(both.args == ["/bin/sh", "-c", "exit 3"])
    }

    @Test func definitionEnvironmentWinsInPlace() throws {
        let spec = try plan(
            #"{"name":"c","environment":[{"name":"OVERRIDE_ME","value":"definition"},{"name":"NEW","value":"1"}]}"#
        ).spec
        #expect(spec.env == ["PATH=/usr/bin:/bin", "FROM_IMAGE=image", "OVERRIDE_ME=definition", "NEW=1"])
    }

    @Test func userAndWorkingDirectoryOverrides() throws {
        let spec = try plan(#"{"name":"c","user":"1000:50","workingDirectory":"/tmp"}"#).spec
        #expect(spec.user == "1000:50")
        #expect(spec.workingDirectory == "/tmp")
        #expect(throws: EngineError.self) { try plan(#"{"name":"c","workingDirectory":"relative"}"#) }
        #expect(throws: EngineError.self) { try plan(#"{"name":"c","user":"a:b:c"}"#) }
    }

    @Test func capabilitiesAddDropAndUnknown() throws {
        let spec = try plan(
            #"{"name":"c","linuxParameters":{"capabilities":{"add":["SYS_PTRACE"],"drop":["NET_RAW"]}}}"#
        ).spec
        #expect(spec.capabilities.contains("CAP_SYS_PTRACE"))
        #expect(!spec.capabilities.contains("CAP_NET_RAW"))
        #expect {
            try plan(#"{"name":"c","linuxParameters":{"capabilities":{"add":["SYS_PTRAC"]}}}"#)
        } throws: { error in
            (error as? EngineError)?.message.contains("'SYS_PTRAC'") == true
        }
    }

    @Test func initProcessAndReadonlyRoot() throws {
        let spec = try plan(
            #"{"name":"c","readonlyRootFilesystem":true,"linuxParameters":{"initProcessEnabled":true}}"#
        )
        .spec
        #expect(spec.initProcess)
        #expect(spec.readonlyRootfs)
    }

    @Test func nofileDefaultsToFargates65535() throws {
        let result = try plan(#"{"name":"c"}"#)
        #expect(result.spec.rlimits == [Rlimit(name: "nofile", soft: 65535, hard: 65535)])
        #expect(result.warnings.isEmpty)
    }

    @Test func nofileDefaultIsClampedWithAWarningWhereBerthCannotRaiseIt() throws {
        let result = try plan(#"{"name":"c"}"#, policy: limited)
        #expect(result.spec.rlimits == [Rlimit(name: "nofile", soft: 20000, hard: 20000)])
        #expect(result.warnings.count == 1)
        #expect(result.warnings[0].contains("20000"))
    }

    @Test func explicitUlimitsAboveTheHostLimitAreRefused() throws {
        #expect {
            try plan(#"{"name":"c","ulimits":[{"name":"nofile","softLimit":1024,"hardLimit":65535}]}"#, policy: limited)
        } throws: { error in
            (error as? EngineError)?.message.contains("exceeds this host's hard limit of 20000") == true
        }
        let within = try plan(
            #"{"name":"c","ulimits":[{"name":"nofile","softLimit":1024,"hardLimit":4096},{"name":"core","softLimit":0,"hardLimit":0}]}"#,
            policy: limited)
        #expect(
            within.spec.rlimits == [
                Rlimit(name: "nofile", soft: 1024, hard: 4096), Rlimit(name: "core", soft: 0, hard: 0),
            ])
    }

    @Test func badUlimitsAreRefusedByName() {
        #expect(throws: EngineError.self) {
            try plan(#"{"name":"c","ulimits":[{"name":"nofile","softLimit":10,"hardLimit":5}]}"#)
        }
        #expect(throws: EngineError.self) {
            try plan(#"{"name":"c","ulimits":[{"name":"bogus","softLimit":1,"hardLimit":1}]}"#)
        }
    }

    @Test func nulCharactersAreRefusedByField() {
        #expect {
            try plan(#"{"name":"c","environment":[{"name":"X","value":"y\u0000cap\u0000CAP_SYS_ADMIN"}]}"#)
        } throws: { error in
            (error as? EngineError)?.message.contains("Invalid environment in container 'c'") == true
        }
        #expect(throws: EngineError.self) { try plan(#"{"name":"c","user":"app\u0000x"}"#) }
        #expect(throws: EngineError.self) {
            try ContainerLaunchPlanner.plan(
                container: container(#"{"name":"c"}"#),
                image: ImageConfig(env: ["EVIL=1\u{0}rootfs.source\u{0}/"], cmd: ["x"]),
                context: context, ulimits: unlimited)
        }
    }

    @Test func noCommandAtAllIsAnError() {
        #expect(throws: EngineError.self) {
            try ContainerLaunchPlanner.plan(
                container: container(#"{"name":"c"}"#), image: ImageConfig(), context: context, ulimits: unlimited)
        }
    }

    @Test func theDriversViewOfTheContainersCgroupsReachesTheLaunchSpecUnchanged() {
        #expect(ContainerLaunchPlanner.cgroupFilesystem(.unified) == .unified)
        #expect(
            ContainerLaunchPlanner.cgroupFilesystem(
                .hierarchies([
                    CgroupMountedHierarchy(name: "cpu,cpuacct", controllers: "cpu,cpuacct"),
                    CgroupMountedHierarchy(name: "unified", controllers: nil),
                ]))
                == .hierarchies([
                    CgroupHierarchyMount(name: "cpu,cpuacct", controllers: "cpu,cpuacct"),
                    CgroupHierarchyMount(name: "unified", controllers: nil),
                ]))
    }
}
