#!/usr/bin/env bash
# The seed's nginx task, for real: import the nginx image built from Debian's packages, run the seed's
# task definition (examples/fargate-task.json) with berth, fetch the page, then stop it.
#
# Until awsvpc networking lands (hostPort published on the host), the task sits in its own network
# namespace, and the page is fetched from the host by entering that namespace with nsenter.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BERTH_BIN_DIR:?}
fixtures=${BERTH_FIXTURES:?}
root=${BERTH_ROOT:-/var/lib/berth}
berth=$bin/berth

"$berth" images import "$fixtures/nginx" --name nginx:latest --root "$root"
"$berth" images ls --root "$root"

echo "+ berth run --task-definition file://examples/fargate-task.json"
"$berth" run --root "$root" --task-definition file://examples/fargate-task.json &
run_pid=$!
trap 'kill -TERM $run_pid 2>/dev/null || true; wait $run_pid 2>/dev/null || true' EXIT

# berth -> berth-shim -> the container's PID 1 (nginx). Found by parent pid, never by name.
container_pid=""
serving=no
for _ in $(seq 100); do
  shim_pid=$(pgrep -P "$run_pid" | head -n1 || true)
  [ -n "$shim_pid" ] && container_pid=$(pgrep -P "$shim_pid" | head -n1 || true)
  if [ -n "$container_pid" ] && nsenter --net=/proc/"$container_pid"/ns/net \
      curl -fsS -o /dev/null http://127.0.0.1:80/ 2>/dev/null; then
    serving=yes
    break
  fi
  sleep 0.1
done
[ "$serving" = yes ] || { echo "demo: nginx did not answer inside the task within 10 s" >&2; exit 1; }

echo "+ curl http://127.0.0.1:80/ inside the task's network namespace (pid $container_pid)"
nsenter --net=/proc/"$container_pid"/ns/net curl -fsS http://127.0.0.1:80/
echo "+ the task's view: hostname $(nsenter --uts=/proc/$container_pid/ns/uts hostname), interfaces:" \
  "$(nsenter --net=/proc/$container_pid/ns/net ip -o link | awk -F': ' '{print $2}' | tr '\n' ' ')"

echo "+ stopping the task (SIGTERM to berth, forwarded to nginx)"
kill -TERM "$run_pid"
code=0
wait "$run_pid" || code=$?
trap - EXIT
echo "demo: nginx served the page and stopped (berth exited with $code)"
