#!/usr/bin/env bash
# Install (if missing) and start the servers the tests need, on loopback only:
# Redis on 127.0.0.1:${OPTIONS_NT_REDIS_PORT:-6379}, without persistence; and Debian's
# Chromium (/usr/bin/chromium) for the trader interface's browser tests.
set -euo pipefail

port=${OPTIONS_NT_REDIS_PORT:-6379}

if ! command -v redis-server >/dev/null 2>&1; then
    echo "services: installing redis-server"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq redis-server >/dev/null
fi

if [ ! -x /usr/bin/chromium ]; then
    echo "services: installing chromium (browser tests of the trader interface)"
    sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

if redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; then
    echo "services: redis already answering on 127.0.0.1:$port"
else
    redis-server --bind 127.0.0.1 --port "$port" --daemonize yes --save '' --appendonly no \
        --logfile /tmp/options-nt-redis.log
    for _ in $(seq 50); do
        redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null
    echo "services: redis started on 127.0.0.1:$port"
fi
