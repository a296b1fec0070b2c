#!/usr/bin/env bash
# ensure-redis.sh — print the URL of a reachable Redis, starting one if needed.
#
# Order: $REDIS_URL, then $CRMGRAPH_TEST_REDIS_URL (each only if it answers PING);
# then 127.0.0.1:6379 if it answers; else start redis-server daemonized on 6379
# (installing it with apt-get first when missing, only as root or with CI=true).
# Idempotent: a second run finds the server the first one started.
#
#   export CRMGRAPH_TEST_REDIS_URL="$(scripts/ensure-redis.sh)" && go test -race ./...
#
# Only the URL goes to stdout; progress and errors go to stderr.
set -euo pipefail

log() { printf 'ensure-redis: %s\n' "$*" >&2; }

# ping HOST PORT: true when a Redis answers +PONG (redis-cli if present, else bash /dev/tcp).
ping() {
	local host=$1 port=$2
	if command -v redis-cli >/dev/null 2>&1; then
		[ "$(timeout 2 redis-cli -h "$host" -p "$port" ping 2>/dev/null)" = "PONG" ]
		return
	fi
	timeout 2 bash -c '
		exec 3<>"/dev/tcp/$0/$1" || exit 1
		printf "PING\r\n" >&3
		IFS= read -r -t 2 line <&3 || exit 1
		exec 3<&-
		[[ $line == "+PONG"* ]]
	' "$host" "$port" 2>/dev/null
}

# url_ping URL: parse redis://[user:pass@]host[:port][/db] and ping host:port.
# (A password-protected server is taken on trust: PING is answered -NOAUTH, so only
# reachability is checked for URLs that carry credentials.)
url_ping() {
	local rest=${1#*://}
	rest=${rest#*@}
	rest=${rest%%/*}
	local host=${rest%%:*} port=6379
	[[ $rest == *:* ]] && port=${rest##*:}
	if [[ $1 == *@* ]]; then
		timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
		return
	fi
	ping "$host" "$port"
}

for var in REDIS_URL CRMGRAPH_TEST_REDIS_URL; do
	url=${!var:-}
	if [ -n "$url" ]; then
		if url_ping "$url"; then
			echo "$url"
			exit 0
		fi
		log "$var is set but does not answer; looking further"
	fi
done

if ping 127.0.0.1 6379; then
	echo "redis://127.0.0.1:6379"
	exit 0
fi

if ! command -v redis-server >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ] || [ "${CI:-}" = "true" ]; then
		sudo=""
		[ "$(id -u)" = 0 ] || sudo="sudo -n"
		log "installing redis-server with apt-get"
		export DEBIAN_FRONTEND=noninteractive
		$sudo apt-get update -qq >&2
		$sudo apt-get install -y -qq --no-install-recommends redis-server >&2
	else
		log "no Redis reachable and redis-server is not installed"
		log "install it (apt-get install redis-server), or set CRMGRAPH_TEST_REDIS_URL"
		exit 1
	fi
fi

log "starting redis-server on 127.0.0.1:6379"
redis-server --port 6379 --bind 127.0.0.1 --save "" --appendonly no \
	--daemonize yes --dir /tmp --logfile /tmp/crmgraph-redis.log >&2

for _ in $(seq 1 100); do
	if ping 127.0.0.1 6379; then
		echo "redis://127.0.0.1:6379"
		exit 0
	fi
	sleep 0.1
done
log "redis-server did not answer within 10s; see /tmp/crmgraph-redis.log"
exit 1
