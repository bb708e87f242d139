#!/usr/bin/env bash
# The seed, for real: the four commands of the Fargate overview (examples/fargate-task.json) with `aws`
# replaced by `berth`, against berthd; nginx (built from Debian's packages) answers, then the task stops.
#
# Until awsvpc networking lands (issue 6: hostPort published on the host), the task has its own network
# namespace with only loopback, and the page is fetched from the host by entering it with nsenter.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${BERTH_BIN_DIR:?}
fixtures=${BERTH_FIXTURES:?}
root=${BERTH_ROOT:-/var/lib/berth}
run=${BERTH_RUN_DIRECTORY:-/run/berth}
export BERTH_SOCKET=$run/berth.sock
berth=$bin/berth
say() { printf '\n+ %s\n' "$*"; }

"$berth" images import "$fixtures/nginx" --name nginx:latest --root "$root"
"$berth" daemon start --root "$root" --run-directory "$run"
trap '"$berth" daemon stop --root "$root" --run-directory "$run" >/dev/null || true' EXIT

say berth ecs register-task-definition --cli-input-json file://examples/fargate-task.json
"$berth" ecs register-task-definition --cli-input-json file://examples/fargate-task.json \
  --query 'taskDefinition.[taskDefinitionArn,status,cpu,memory]' --output text
say berth ecs create-cluster --cluster-name fargate-cluster
"$berth" ecs create-cluster --cluster-name fargate-cluster --query 'cluster.[clusterArn,status]' --output text
say berth ecs run-task --cluster fargate-cluster --launch-type FARGATE --network-configuration \
  '"awsvpcConfiguration={subnets=[subnet-12345678],securityGroups=[sg-12345678],assignPublicIp=ENABLED}"' \
  --task-definition fargate-task
task=$("$berth" ecs run-task --cluster fargate-cluster --launch-type FARGATE --network-configuration \
  "awsvpcConfiguration={subnets=[subnet-12345678],securityGroups=[sg-12345678],assignPublicIp=ENABLED}" \
  --task-definition fargate-task --query 'tasks[0].taskArn' --output text)
echo "$task"
say berth ecs wait tasks-running --cluster fargate-cluster --tasks "$task"
BERTH_WAITER_DELAY=0.2 "$berth" ecs wait tasks-running --cluster fargate-cluster --tasks "$task"
"$berth" ecs describe-tasks --cluster fargate-cluster --tasks "$task" --query 'tasks[0].lastStatus' --output text

say "curl http://127.0.0.1:80/ from the host (the seed's hostPort 80, DNAT into the task)"
curl -fsS --retry 30 --retry-connrefused --retry-delay 0 --max-time 10 http://127.0.0.1:80/
ip=$("$berth" ecs describe-tasks --cluster fargate-cluster --tasks "$task" \
  --query "tasks[0].attachments[0].details[?name=='privateIPv4Address'].value | [0]" --output text)
say "curl http://$ip/ (the task's own address in its subnet)"
curl -fsS --retry 30 --retry-connrefused --retry-delay 0 --max-time 10 "http://$ip/" | grep -o '<title>.*</title>'

say berth ecs stop-task --cluster fargate-cluster --task "$task"
"$berth" ecs stop-task --cluster fargate-cluster --task "$task" --query 'task.desiredStatus' --output text
BERTH_WAITER_DELAY=0.2 "$berth" ecs wait tasks-stopped --cluster fargate-cluster --tasks "$task"
"$berth" ecs describe-tasks --cluster fargate-cluster --tasks "$task" \
  --query 'tasks[0].[lastStatus,stopCode,stoppedReason]' --output text
echo "demo: the seed's nginx task ran under berthd, served its page and stopped"
