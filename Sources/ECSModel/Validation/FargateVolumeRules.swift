/// Volumes on Fargate: bind mounts only as task scratch space (an empty `host`), no Docker volumes
/// (Volume and HostVolumeProperties docs; reference §2.7).
enum FargateVolumeRules {
    static func check(_ volumes: [Volume]?) throws(ECSError) {
        for volume in volumes ?? [] {
            if volume.host?.sourcePath != nil {
                // AWS's text, as a deployment log quotes it.
                throw ECSError(.clientException, "Fargate compatible task definitions do not support sourcePath")
            }
            if volume.dockerVolumeConfiguration != nil {
                // berth's wording in ECS's "Fargate compatible task definitions do not support <member>" form.
                throw ECSError(
                    .clientException, "Fargate compatible task definitions do not support dockerVolumeConfiguration")
            }
        }
    }
}
