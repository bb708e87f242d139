import Foundation

/// An image's STOPSIGNAL ("SIGQUIT", "QUIT", "3", "SIGRTMIN+3") as a signal number; SIGTERM by default,
/// as Docker and ECS do.
enum StopSignal {
    static let names: [String: Int32] = [
        "HUP": SIGHUP, "INT": SIGINT, "QUIT": SIGQUIT, "ILL": SIGILL, "TRAP": SIGTRAP, "ABRT": SIGABRT,
        "IOT": SIGABRT, "BUS": SIGBUS, "FPE": SIGFPE, "KILL": SIGKILL, "USR1": SIGUSR1, "SEGV": SIGSEGV,
        "USR2": SIGUSR2, "PIPE": SIGPIPE, "ALRM": SIGALRM, "TERM": SIGTERM, "STKFLT": SIGSTKFLT,
        "CHLD": SIGCHLD, "CONT": SIGCONT, "STOP": SIGSTOP, "TSTP": SIGTSTP, "TTIN": SIGTTIN, "TTOU": SIGTTOU,
        "URG": SIGURG, "XCPU": SIGXCPU, "XFSZ": SIGXFSZ, "VTALRM": SIGVTALRM, "PROF": SIGPROF,
        "WINCH": SIGWINCH, "IO": SIGIO, "POLL": SIGIO, "PWR": SIGPWR, "SYS": SIGSYS,
    ]

    /// nil for a signal name berth does not know (the caller falls back to SIGTERM and says so).
    static func number(_ text: String?) -> Int32? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return SIGTERM }
        if let number = Int32(text) { return (1...64).contains(number) ? number : nil }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        if let number = names[name] { return number }
        let rtmin = Int32(34)  // glibc's SIGRTMIN (the kernel's 32, minus the two NPTL keeps)
        let rtmax = Int32(64)
        if name.hasPrefix("RTMIN") {
            let offset = name == "RTMIN" ? 0 : Int32(name.dropFirst(5)) ?? -1
            return offset >= 0 && rtmin + offset <= rtmax ? rtmin + offset : nil
        }
        if name.hasPrefix("RTMAX") {
            let offset = name == "RTMAX" ? 0 : Int32(name.dropFirst(5)) ?? 1
            return offset <= 0 && rtmax + offset >= rtmin ? rtmax + offset : nil
        }
        return nil
    }
}
