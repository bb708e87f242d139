/// Resolves an ECS `user` string against a container's /etc/passwd and /etc/group, the way Docker
/// does (moby/sys/user GetExecUser). ECS accepts six forms: user, user:group, uid, uid:gid, user:gid,
/// uid:group.
public struct ResolvedUser: Sendable, Equatable {
    public var uid: UInt32
    public var gid: UInt32
    /// Supplementary groups, as setgroups(2) gets them.
    public var groups: [UInt32]
    public var home: String

    public init(uid: UInt32, gid: UInt32, groups: [UInt32], home: String) {
        self.uid = uid
        self.gid = gid
        self.groups = groups
        self.home = home
    }
}

public struct PasswdEntry: Sendable, Equatable {
    public var name: String
    public var uid: UInt32
    public var gid: UInt32
    public var home: String
}

public struct GroupEntry: Sendable, Equatable {
    public var name: String
    public var gid: UInt32
    public var members: [String]
}

public enum UserDatabase {
    /// Docker's bound (moby/sys/user): larger ids are refused, and 4294967295 in particular is -1 to
    /// setresuid, which means "leave unchanged", i.e. stay root.
    public static let maximumID: UInt32 = 2_147_483_647

    static func id(_ text: String) -> UInt32? {
        guard let value = UInt32(text), value <= maximumID else { return nil }
        return value
    }

    public static func parsePasswd(_ text: String) -> [PasswdEntry] {
        lines(text).compactMap { fields in
            guard fields.count >= 6, let uid = id(fields[2]), let gid = id(fields[3]) else { return nil }
            return PasswdEntry(name: fields[0], uid: uid, gid: gid, home: fields[5])
        }
    }

    public static func parseGroup(_ text: String) -> [GroupEntry] {
        lines(text).compactMap { fields in
            guard fields.count >= 3, let gid = id(fields[2]) else { return nil }
            let members = fields.count > 3 ? fields[3].split(separator: ",").map(String.init) : []
            return GroupEntry(name: fields[0], gid: gid, members: members)
        }
    }

    private static func lines(_ text: String) -> [[String]] {
        text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }).compactMap { line in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { return nil }
            return trimmed.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        }
    }

    /// - Numeric user or group not in the files: used as is (Docker allows any uid), gid defaulting to 0.
    /// - A named user or group that is missing: an error naming it.
    /// - Supplementary groups: when no group is given, the user's primary gid plus every group that lists
    ///   the user as a member; with an explicit group, just that group.
    public static func resolve(
        _ spec: String, passwd: [PasswdEntry], groups: [GroupEntry]
    ) throws(LaunchError) -> ResolvedUser {
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let userPart = parts.first ?? ""
        let groupPart: String? = parts.count > 1 ? parts[1] : nil
        if parts.count > 1 && (userPart.isEmpty || parts[1].isEmpty) {
            throw .invalidSpec(
                "invalid user \"\(spec)\": expected user, user:group, uid, uid:gid, user:gid or uid:group")
        }

        for part in [userPart, groupPart ?? ""] where UInt64(part) != nil && id(part) == nil {
            throw .invalidSpec("invalid user \"\(spec)\": uids and gids must be in range 0-\(maximumID)")
        }
        var entry: PasswdEntry?
        var uid: UInt32
        var gid: UInt32 = 0
        var home = "/"
        if userPart.isEmpty {
            uid = 0
            entry = passwd.first { $0.uid == 0 }
        } else if let match = passwd.first(where: { $0.name == userPart }) {
            entry = match
            uid = match.uid
        } else if let number = id(userPart) {
            uid = number
            entry = passwd.first { $0.uid == number }
        } else {
            throw .userNotFound(userPart)
        }
        if let entry {
            gid = entry.gid
            home = entry.home
        }

        var supplementary: [UInt32]
        if let groupPart {
            if let match = groups.first(where: { $0.name == groupPart }) {
                gid = match.gid
            } else if let number = id(groupPart) {
                gid = number
            } else {
                throw .groupNotFound(groupPart)
            }
            supplementary = [gid]
        } else {
            supplementary = [gid]
            if let name = entry?.name {
                for group in groups where group.members.contains(name) && !supplementary.contains(group.gid) {
                    supplementary.append(group.gid)
                }
            }
        }
        return ResolvedUser(uid: uid, gid: gid, groups: supplementary, home: home)
    }
}
