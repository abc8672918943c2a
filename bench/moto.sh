# Sourced by bench/serve.sh and bench/dmap.sh: the benchmarks' moto.
#
# bench_venv: sets $venv, the virtualenv with moto[server] and boto3 (pinned; made once).
# start_moto DIR: starts moto_server on a free-ish port of 127.0.0.1 in the background (its
# log in DIR/moto.log), waits until it answers, and sets $moto to its URL.

bench_venv() {
  venv="${ASL_BENCH_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/asl-bench-venv}"
  if [ ! -x "$venv/bin/moto_server" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==5.2.1" boto3==1.43.11
  fi
}

start_moto() {
  local port=$(( 20000 + RANDOM % 10000 ))
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" > "$1/moto.log" 2>&1 &
  moto="http://127.0.0.1:$port"
  for _ in $(seq 100); do
    curl -s -o /dev/null "$moto/moto-api/" && break
    sleep 0.1
  done
}
