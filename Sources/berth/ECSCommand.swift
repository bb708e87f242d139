import ArgumentParser
import ECSCLI
import Foundation

/// `berth ecs <verb> [flags]`: the aws CLI's `aws ecs` against berthd. Every argument is
/// passed through unparsed, so aws-style flags (`--cluster`, shorthand, `file://`,
/// `--query`, `--output`) mean what they mean to the aws CLI, errors included.
struct ECSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ecs",
        abstract: "Amazon ECS commands against berthd, with the aws CLI's arguments and output.",
        discussion: """
            Takes what `aws ecs <command>` takes: `berth ecs run-task --cluster c --task-definition td \
            --network-configuration "awsvpcConfiguration={subnets=[subnet-1]}"`. berthd's socket is \
            --socket, BERTH_SOCKET or /run/berth/berth.sock. `berth ecs help` lists the commands.
            """
    )

    @Argument(parsing: .captureForPassthrough, help: "An ECS command and its aws-CLI-style arguments.")
    var arguments: [String] = []

    func run() throws {
        // Output into a closed pipe (`| head`) ends quietly instead of killing berth.
        signal(SIGPIPE, SIG_IGN)
        let status = ECSCLIRunner(program: "aws").run(arguments)
        if status != 0 { throw ExitCode(status) }
    }
}
