import Images
import Registry

/// A failed pull as Fargate words a task's stoppedReason: the ECS agent's retry prefix, then containerd's
/// error ("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref
/// docker.io/library/nginx:nope: docker.io/library/nginx:nope: not found").
public enum ImagePullReason {
    public static func stoppedReason(
        image: String, container: String, error: Error, attempts: Int = RetryPolicy.ecsAgent.attempts
    ) -> String {
        let prefix = "CannotPullContainerError: "
        let cause = (error as? ImagePullFailure)?.underlying ?? error
        switch cause {
        case RegistryError.failedToResolve(let reference, let inner):
            return prefix + "pull image manifest has been retried \(attempts) time(s): failed to resolve ref"
                + " \(reference): \(inner)"
        case let registry as RegistryError:
            return prefix + "ref pull has been retried \(attempts) time(s): \(registry)"
        default:
            // Not the registry's doing (a store or unpacking failure, an image berth cannot find or parse).
            return prefix + "pull image '\(image)' for container '\(container)': \(error)"
        }
    }
}
