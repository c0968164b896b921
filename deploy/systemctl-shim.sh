#!/usr/bin/env bash
# A stand-in for systemctl, for deploy/install_test.go: machines that run
# the tests (containers, CI) have no systemd running. It starts and stops
# the one unit the README installs the way systemd would, from what the
# unit file (and its drop-ins) say: User, Group, StateDirectory(Mode),
# UMask, Environment, LoadCredential (%d), ExecStart. It is no systemd: it
# only makes the test run the same files with the same users, owners and
# modes as a real install.
set -euo pipefail
state=${SHIM_STATE:?}
unitdir=/etc/systemd/system

# unit_values KEY prints every value of KEY= in the unit and its drop-ins,
# in order.
unit_values() {
	local f
	for f in "$unitdir/$unit" "$unitdir/$unit.d"/*.conf; do
		[ -f "$f" ] || continue
		sed -n "s/^$1=//p" "$f"
	done
}

# expand replaces the specifiers the unit uses: %d (the credentials
# directory) and %% (a percent sign).
expand() { local s=${1//%d/$state/credentials}; printf '%s' "${s//%%/%}"; }

start() {
	local user group dir mode umask exec envs=() line cred
	user=$(unit_values User | tail -n1)
	group=$(unit_values Group | tail -n1)
	dir=$(unit_values StateDirectory | tail -n1)
	mode=$(unit_values StateDirectoryMode | tail -n1)
	umask=$(unit_values UMask | tail -n1)
	exec=$(expand "$(unit_values ExecStart | tail -n1)")
	install -d -m "${mode:-0755}" -o "$user" -g "$group" "/var/lib/$dir"
	install -d -m 0500 -o "$user" -g "$group" "$state/credentials"
	while IFS= read -r cred; do
		[ -n "$cred" ] || continue
		install -m 0400 -o "$user" -g "$group" "${cred#*:}" "$state/credentials/${cred%%:*}"
	done < <(unit_values LoadCredential)
	while IFS= read -r line; do
		[ -n "$line" ] && envs+=("$(expand "$line")")
	done < <(unit_values Environment)
	rm -f "$state/exit"
	(
		env -i PATH=/usr/local/bin:/usr/bin:/bin "${envs[@]}" \
			setpriv --reuid="$user" --regid="$group" --init-groups \
			sh -c "umask ${umask:-0022} && exec $exec" >>"$state/service.log" 2>&1 &
		echo $! >"$state/pid"
		set +e
		wait $!
		echo $? >"$state/exit"
	) &
	for _ in $(seq 50); do [ -s "$state/pid" ] && break; sleep 0.1; done
}

stop() {
	local pid
	pid=$(cat "$state/pid")
	kill -TERM "$pid" 2>/dev/null || true
	for _ in $(seq 300); do [ -s "$state/exit" ] && break; sleep 0.1; done
	rm -f "$state/pid"
	[ -s "$state/exit" ] || { echo "systemctl (shim): $unit did not stop within 30 s" >&2; return 1; }
	[ "$(cat "$state/exit")" = 0 ] || { echo "systemctl (shim): $unit exited with status $(cat "$state/exit")" >&2; return 1; }
}

cmd=${1:?}
shift
now=
while [ $# -gt 1 ]; do
	[ "$1" = --now ] && now=1
	shift
done
unit=${1:-}
unit=${unit%.service}.service
case $cmd in
daemon-reload) ;;
enable) if [ -n "$now" ]; then start; fi ;;
start) start ;;
stop) stop ;;
restart) stop && start ;;
is-active) [ -s "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null ;;
*) echo "systemctl (shim): $cmd is not supported" >&2; exit 1 ;;
esac
