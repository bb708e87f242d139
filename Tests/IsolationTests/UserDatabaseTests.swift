import Isolation
import Testing

@Suite("ECS user strings resolved against /etc/passwd and /etc/group")
struct UserDatabaseTests {
    let passwd = UserDatabase.parsePasswd(
        """
        root:x:0:0:root:/root:/bin/sh
        # a comment
        daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
        app:x:1000:1000:app:/home/app:/bin/sh
        broken line
        """)
    let groups = UserDatabase.parseGroup(
        """
        root:x:0:
        staff:x:50:app
        app:x:1000:
        extra:x:2000:daemon,app
        """)

    func resolve(_ user: String) throws -> ResolvedUser {
        try UserDatabase.resolve(user, passwd: passwd, groups: groups)
    }

    @Test func emptyIsRoot() throws {
        #expect(try resolve("") == ResolvedUser(uid: 0, gid: 0, groups: [0], home: "/root"))
    }

    @Test func sixForms() throws {
        // user
        #expect(try resolve("app") == ResolvedUser(uid: 1000, gid: 1000, groups: [1000, 50, 2000], home: "/home/app"))
        // user:group
        #expect(try resolve("app:staff") == ResolvedUser(uid: 1000, gid: 50, groups: [50], home: "/home/app"))
        // uid (known, so its passwd entry applies)
        #expect(try resolve("1000") == ResolvedUser(uid: 1000, gid: 1000, groups: [1000, 50, 2000], home: "/home/app"))
        // uid:gid, neither in the files
        #expect(try resolve("4242:4343") == ResolvedUser(uid: 4242, gid: 4343, groups: [4343], home: "/"))
        // user:gid
        #expect(try resolve("daemon:2000") == ResolvedUser(uid: 1, gid: 2000, groups: [2000], home: "/usr/sbin"))
        // uid:group
        #expect(try resolve("1000:extra") == ResolvedUser(uid: 1000, gid: 2000, groups: [2000], home: "/home/app"))
    }

    @Test func unknownUnknownNumericUidGetsGidZero() throws {
        #expect(try resolve("31337") == ResolvedUser(uid: 31337, gid: 0, groups: [0], home: "/"))
    }

    @Test func missingNamesAreErrorsThatNameThem() {
        #expect(throws: LaunchError.userNotFound("nosuchuser")) { try resolve("nosuchuser") }
        #expect(throws: LaunchError.groupNotFound("nosuchgroup")) { try resolve("app:nosuchgroup") }
        #expect(throws: LaunchError.self) { try resolve("app:") }
        #expect(throws: LaunchError.self) { try resolve(":staff") }
    }

    @Test func idsAboveDockersBoundAreRefused() {
        // 4294967295 is -1 to setresuid: "unchanged", which would leave the container root.
        #expect(throws: LaunchError.self) { try resolve("4294967295") }
        #expect(throws: LaunchError.self) { try resolve("1000:2147483648") }
        #expect((try? resolve("2147483647")) != nil)
        let hostile = UserDatabase.parsePasswd("evil:x:4294967295:0::/:/bin/sh\r\nok:x:5:5::/home/ok:/bin/sh\r\n")
        #expect(hostile.map(\.name) == ["ok"])
        #expect(hostile.first?.home == "/home/ok")
    }

    @Test func errorTextMatchesDockers() {
        #expect(
            LaunchError.userNotFound("bob").description == "unable to find user bob: no matching entries in passwd file"
        )
    }
}
