import Testing

@testable import Images
@testable import Registry

@Suite struct RetryPolicyTests {
    @Test(arguments: [
        (1, 0.0, 0.0), (2, 0.0, 1.1), (3, 0.0, 2.2), (4, 0.0, 4.4), (5, 0.0, 5.0), (9, 0.0, 5.0),
        (2, 1.0, 1.32), (5, 0.5, 5.5),
    ])
    func ecsAgentDelaysGrowByTwoFromOnePointOneCappedAtFiveWithJitter(attempt: Int, random: Double, expected: Double) {
        let delay = RetryPolicy.ecsAgent.delay(beforeAttempt: attempt, random: random)
        #expect(abs(delay - expected) < 1e-9, "attempt \(attempt), random \(random): \(delay)")
    }

    @Test func ecsAgentPolicyIsFiveAttempts() {
        let policy = RetryPolicy.ecsAgent
        #expect(policy.attempts == 5 && policy.initialDelay == 1.1 && policy.multiplier == 2)
        #expect(policy.maximumDelay == 5 && policy.jitter == 0.2)
    }
}

@Suite struct AuthChallengeTests {
    @Test func dockerHubBearerChallengeYieldsRealmServiceAndScope() {
        let challenges = AuthChallenge.parse([
            #"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull""#
        ])
        #expect(
            challenges == [
                AuthChallenge(
                    scheme: "bearer",
                    parameters: [
                        "realm": "https://auth.docker.io/token", "service": "registry.docker.io",
                        "scope": "repository:library/nginx:pull",
                    ])
            ])
    }

    @Test func severalChallengesInOneHeaderAndQuotedCommasAndEscapes() {
        let challenges = AuthChallenge.parse([
            #"Basic realm="a, \"quoted\" realm", BEARER realm="https://t/token" , service=reg"#,
            "Negotiate",
        ])
        #expect(challenges.map(\.scheme) == ["basic", "bearer", "negotiate"])
        #expect(challenges[0].realm == #"a, "quoted" realm"#)
        #expect(challenges[1].parameters == ["realm": "https://t/token", "service": "reg"])
    }

    @Test func emptyAndJunkHeadersGiveNoParameters() {
        #expect(AuthChallenge.parse([""]).isEmpty)
        #expect(AuthChallenge.parse(["Bearer"]) == [AuthChallenge(scheme: "bearer", parameters: [:])])
    }
}

@Suite struct PlatformMatcherTests {
    @Test(
        arguments: [
            ("x86_64", nil, "amd64", nil), ("aarch64", nil, "arm64", "v8"), ("arm64", "v8", "arm64", "v8"),
            ("armhf", nil, "arm", "v7"), ("armel", nil, "arm", "v6"), ("armv7l", nil, "arm", "v7"),
            ("i686", nil, "386", nil),
        ] as [(String, String?, String, String?)])
    func architecturesNormaliseLikeContainerd(
        raw: String, variant: String?, architecture: String, normalVariant: String?
    ) {
        let matcher = PlatformMatcher(os: "linux", architecture: raw, variant: variant)
        #expect(matcher.architecture == architecture && matcher.variant == normalVariant)
    }

    private func entry(
        _ os: String, _ arch: String, _ variant: String? = nil, mediaType: String = MediaType.ociManifest,
        annotations: [String: String]? = nil, digest: String
    ) -> Descriptor {
        Descriptor(
            mediaType: mediaType, digest: digest, size: 1, annotations: annotations,
            platform: Platform(architecture: arch, os: os, variant: variant))
    }

    @Test func selectionSkipsUnknownTypesAttestationsAndUnknownPlatforms() {
        let entries = [
            entry("linux", "amd64", mediaType: "application/vnd.example.future+json", digest: "future"),
            entry("unknown", "unknown", digest: "attestation-unknown"),
            entry(
                "linux", "amd64", annotations: [Descriptor.referenceTypeAnnotation: "attestation-manifest"],
                digest: "att"),
            entry("linux", "arm64", "v8", digest: "arm"),
            entry("linux", "amd64", digest: "amd"),
            entry("linux", "amd64", digest: "amd-second"),
        ]
        #expect(PlatformMatcher(os: "linux", architecture: "x86_64").select(from: entries)?.digest == "amd")
        #expect(PlatformMatcher(os: "linux", architecture: "aarch64").select(from: entries)?.digest == "arm")
    }

    @Test func arm64WithoutVariantMatchesImpliedV8AndArmVariantsMustAgree() {
        let host = PlatformMatcher(os: "linux", architecture: "aarch64")
        #expect(host.matches(Platform(architecture: "arm64", os: "linux", variant: nil)))
        let armhf = PlatformMatcher(os: "linux", architecture: "armhf")
        #expect(!armhf.matches(Platform(architecture: "arm", os: "linux", variant: "v6")))
        #expect(armhf.matches(Platform(architecture: "arm", os: "linux", variant: "v7")))
        #expect(!host.matches(Platform(architecture: "arm64", os: "windows", variant: nil)))
    }

    @Test func platformNamesReadAsDockerPrintsThem() {
        #expect(PlatformMatcher(os: "linux", architecture: "x86_64").name == "linux/amd64")
        #expect(PlatformMatcher(os: "linux", architecture: "aarch64").name == "linux/arm64")
        #expect(PlatformMatcher(os: "linux", architecture: "armhf").name == "linux/arm/v7")
    }
}

@Suite struct ResumeRulesTests {
    @Test(
        arguments: [
            (206, "bytes 100-4999/5000", 100, ResumeAnswer.continues),
            (206, "bytes 100-4999/*", 100, .continues),
            (200, nil, 100, .startsOver),
            (206, "bytes 0-4999/5000", 100, .unusable("Content-Range \"bytes 0-4999/5000\"")),
            (206, nil, 100, .unusable("206 without Content-Range")),
            (206, "items 100-200/300", 100, .unusable("Content-Range \"items 100-200/300\"")),
            (416, nil, 100, .unusable("status 416 to a range request")),
        ] as [(Int, String?, Int64, ResumeAnswer)])
    func onlyA206StartingAtTheOffsetContinues(status: Int, range: String?, offset: Int64, expected: ResumeAnswer) {
        #expect(ResumeAnswer.judge(status: status, contentRange: range, requestedOffset: offset) == expected)
    }
}

@Suite struct RedirectRulesTests {
    @Test(arguments: [
        ("https://registry.example/v2/x", "https://registry.example/other", true),
        ("https://registry.example/v2/x", "https://REGISTRY.example:443/other", true),
        ("https://registry.example/v2/x", "https://s3.example/bucket?X-Amz-Signature=1", false),
        ("https://registry.example/v2/x", "https://registry.example:8443/other", false),
        ("https://registry.example/v2/x", "http://registry.example/other", false),
        ("http://127.0.0.1:5000/v2/x", "http://127.0.0.1:5001/blob", false),
        ("http://127.0.0.1:5000/v2/x", "http://localhost:5000/blob", false),
    ])
    func authorizationGoesOnlyToTheRegistrysOwnSchemeHostAndPort(from: String, to: String, forwards: Bool) {
        let registry = RequestURL.parse(from)!
        let target = RequestURL.parse(to)!
        #expect(RedirectRules.mayForwardAuthorization(from: registry, to: target) == forwards)
    }

    @Test func locationsResolveAbsoluteSchemeRelativeAndPathRelative() {
        let base = RequestURL.parse("https://r.example:5000/v2/repo/blobs/sha256:1")!
        #expect(base.resolving(location: "/storage/x?sig=1")?.description == "https://r.example:5000/storage/x?sig=1")
        #expect(base.resolving(location: "//cdn.example/x")?.description == "https://cdn.example/x")
        #expect(base.resolving(location: "http://other:81/y")?.description == "http://other:81/y")
        #expect(base.resolving(location: "data")?.description == "https://r.example:5000/v2/repo/blobs/data")
        #expect(RequestURL.parse("ftp://x/y") == nil)
        #expect(RequestURL.parse("https://x/y?sig=secret")?.redactingQuery.description == "https://x/y")
    }
}

@Suite struct TokenTests {
    @Test func accessTokenIsPreferredAndLifetimeIsAtLeastSixtySeconds() {
        let both = BearerToken.parse(Array(#"{"token":"old","access_token":"new","expires_in":300}"#.utf8), now: 10)
        #expect(both == BearerToken(token: "new", expiresAt: 310))
        let short = BearerToken.parse(Array(#"{"token":"t","expires_in":5}"#.utf8), now: 10)
        #expect(short == BearerToken(token: "t", expiresAt: 70))
        let missing = BearerToken.parse(Array(#"{"token":"t"}"#.utf8), now: 0)
        #expect(missing?.expiresAt == 60)
        #expect(BearerToken.parse(Array(#"{"expires_in":5}"#.utf8), now: 0) == nil)
    }

    @Test func tokenURLCarriesOneScopeParameterPerScope() {
        let challenge = AuthChallenge(scheme: "bearer", parameters: ["scope": "repository:a:pull repository:b:pull"])
        // A challenge's scopes for other repositories are not asked for (the token is for this one).
        #expect(TokenScopes.pull(repository: "a", challenge: challenge) == ["repository:a:pull"])
        let scopes = ["repository:a:pull", "repository:a:push"]
        #expect(
            TokenScopes.tokenURL(realm: "https://auth/token", service: "reg.io", scopes: scopes)
                == "https://auth/token?service=reg.io&scope=repository:a:pull&scope=repository:a:push")
    }
}
