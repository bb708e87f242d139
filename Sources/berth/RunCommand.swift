import ArgumentParser
import Cgroups
import ECSModel
import Engine
import Foundation
import Logging

/// `berth run --task-definition file://td.json [--container NAME]`: one container in the foreground.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one container of a task definition in the foreground.",
        discussion: """
            Streams the container's stdout and stderr, forwards SIGINT/SIGTERM to it, and exits with its \
            exit code (128 + signal when it was killed by a signal).
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(
        help: "The task definition JSON, as `file://PATH`, a path, or inline JSON (register-task-definition's input).")
    var taskDefinition: String

    @Option(help: "Which container to run when the task definition has several.")
    var container: String?

    func run() throws {
        let data = try CLIInput.read(taskDefinition)
        let definition: RegisterTaskDefinitionRequest
        do {
            definition = try StrictJSON.decode(RegisterTaskDefinitionRequest.self, from: data)
        } catch let error as ParameterValidationError {
            throw ValidationError(error.description)
        } catch let error as JSONSyntaxError {
            throw ValidationError("Error parsing parameter '--task-definition': Invalid JSON: \(error)")
        }
        // Fargate's limits hold here too: no controllers, no run (the error says which one and how to fix it).
        let cgroups: any CgroupDriver
        do {
            cgroups = try CgroupDiscovery.driver(CgroupConfiguration(tasksDirectory: "berth-run"))
        } catch {
            throw ValidationError("berth run cannot apply the task's limits: \(error)")
        }
        let runner = ForegroundRun(
            root: global.rootPath, shimPath: try HelperBinaries.path(of: "berth-shim"),
            logger: Logger(label: "berth.run"),
            cgroups: cgroups)
        let code = try runner.run(taskDefinition: definition, containerName: container)
        if code != 0 { throw ContainerExit(code: code) }
    }
}

/// aws CLI-style parameter input: `file://path`, a plain path, or the JSON text itself.
enum CLIInput {
    static func read(_ argument: String) throws -> Data {
        let trimmed = argument.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("{") { return Data(trimmed.utf8) }
        let path = trimmed.hasPrefix("file://") ? String(trimmed.dropFirst(7)) : trimmed
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError(
                "Error parsing parameter: Unable to load paramfile \(argument): no such file or not readable")
        }
        return data
    }
}
