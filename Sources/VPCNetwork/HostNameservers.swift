/// The host's IPv4 resolvers that tasks are given: resolv.conf's nameservers without loopback ones (they mean
/// nothing inside a task's network namespace). The firewall lets DNS to them through.
public enum HostNameservers {
    public static func parse(resolvConf text: String) -> [IPv4Address] {
        var servers: [IPv4Address] = []
        for line in text.split(separator: "\n") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "nameserver", let address = IPv4Address(words[1]),
                address.value >> 24 != 127, !servers.contains(address)
            else { continue }
            servers.append(address)
        }
        return servers
    }
}
