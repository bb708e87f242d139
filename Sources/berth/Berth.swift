import ArgumentParser
import Foundation
import Logging

@main
struct Berth: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "berth",
        abstract: "A local AWS Fargate: runs ECS task definitions as isolated Linux processes.",
        subcommands: [
            RunCommand.self, ImagesCommand.self, DaemonCommand.self, ECSCommand.self, LogsCommand.self,
            StatsCommand.self, EC2Command.self,
        ]
    )

    static func main() {
        LoggingSystem.bootstrap { label in CLILogHandler(label: label) }
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let exit as ContainerExit {
            Foundation.exit(exit.code)
        } catch {
            exit(withError: error)
        }
    }
}

/// The container's exit code, handed back as berth's own.
struct ContainerExit: Error {
    var code: Int32
}
