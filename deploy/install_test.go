package deploy_test

import (
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"frontdoor/bot/telegramtest"
)

const testToken = "123456:AAFakeTokenForTestsOnly_abcdefghij"

// TestInstallFromReadme installs frontdoor with the README's install steps
// exactly as written, and checks what a new operator would: the service
// starts as its own unprivileged user and stays up, /healthz says ready,
// its files belong to it with mode 0600, admin commands work while it runs
// (as root and as its user, not as anyone else), and a backup restored
// and a rekey made as root leave files it can open when it starts again.
// The unit is checked with systemd-analyze verify where it is installed.
//
// The steps run for real, as root, in a private mount namespace where
// /etc, /usr/local/bin and /var/lib are copies or empty: the machine's are
// untouched. systemctl is deploy/systemctl-shim.sh (test machines run no
// systemd), which starts the unit as systemd would from the unit file.
func TestInstallFromReadme(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the install test builds and installs the program")
	}
	if os.Geteuid() != 0 {
		t.Skip("the install test needs root (it creates a user, in a private mount namespace); .ci/run runs it")
	}
	for _, tool := range []string{"unshare", "setpriv", "runuser", "useradd", "install", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the install test needs %s (util-linux, passwd, coreutils): %v", tool, err)
		}
	}
	if out, err := exec.Command("unshare", "--mount", "true").CombinedOutput(); err != nil {
		t.Skipf("the install test needs a private mount namespace (unshare --mount), which this machine refuses: %v %s", err, out)
	}
	steps := readmeSteps(t)
	if !strings.Contains(steps, "<token from @BotFather>") {
		t.Fatal("the README's install steps no longer have the token placeholder this test fills in")
	}
	steps = strings.ReplaceAll(steps, "<token from @BotFather>", testToken)

	api := telegramtest.New(t, testToken)
	httpAddr := freeAddr(t)
	work := t.TempDir()
	// The service's user reaches its credentials under work, as under /run.
	os.Chmod(work, 0o711)
	os.Chmod(filepath.Dir(work), 0o711)
	src := filepath.Join(work, "src")
	copyModule(t, "..", src)
	shims := filepath.Join(work, "shims")
	os.MkdirAll(shims, 0o755)
	shim, _ := os.ReadFile("systemctl-shim.sh")
	os.WriteFile(filepath.Join(shims, "systemctl"), shim, 0o755)
	os.WriteFile(filepath.Join(shims, "sudo"), []byte("#!/bin/sh\n# sudo as root: run the command, or as -u USER.\n"+
		"if [ \"$1\" = -u ]; then u=$2; shift 2; exec runuser -u \"$u\" -- \"$@\"; fi\nexec \"$@\"\n"), 0o755)

	// In a unit file a percent sign is written %%.
	dropin := "[Service]\nEnvironment=FRONTDOOR_TELEGRAM_API=" + strings.ReplaceAll(api.Endpoint(), "%", "%%") + "\nEnvironment=FRONTDOOR_HTTP=" + httpAddr + "\n"
	os.WriteFile(filepath.Join(work, "dropin.conf"), []byte(dropin), 0o644)
	verify := "echo 'systemd-analyze is not installed: the unit file is not verified'"
	if _, err := exec.LookPath("systemd-analyze"); err == nil {
		verify = "systemd-analyze verify /etc/systemd/system/frontdoor.service"
	}
	script := fmt.Sprintf(`set -euo pipefail
work=%[1]q
# The install writes here: private copies for this namespace only.
mount --make-rprivate /
cp -a /etc "$work/etc" && mount --bind "$work/etc" /etc
mkdir -p "$work/usrlocalbin" "$work/varlib" "$work/state"
mount --bind "$work/usrlocalbin" /usr/local/bin
mount --bind "$work/varlib" /var/lib
export PATH="$work/shims:/usr/local/bin:$PATH" SHIM_STATE="$work/state"
cd "$work/src"
# What an operator could add with systemctl edit: the test's fake Bot API
# (this machine reaches no Telegram) and a free port for health and metrics.
mkdir -p /etc/systemd/system/frontdoor.service.d
cp "$work/dropin.conf" /etc/systemd/system/frontdoor.service.d/test.conf

echo '== the README install steps'
%[2]s
echo '== the unit'
%[3]s

cfg="--config /etc/frontdoor/frontdoor.toml"
healthy() {
	for _ in $(seq 150); do FRONTDOOR_HTTP=%[4]s frontdoor healthcheck >/dev/null 2>&1 && return 0; sleep 0.2; done
	echo "not healthy; the service log:"; cat "$work/state/service.log"; return 1
}
owned() { # FILE USER:GROUP MODE
	got=$(stat -c '%%U:%%G %%a' "$1")
	[ "$got" = "$2 $3" ] || { echo "$1 is $got, want $2 $3"; return 1; }
}
echo '== it runs'
healthy
systemctl is-active frontdoor
FRONTDOOR_HTTP=%[4]s frontdoor healthcheck
echo
ps -o user= -p "$(cat "$work/state/pid")" | grep -qx frontdoor
owned /var/lib/frontdoor frontdoor:frontdoor 700
owned /var/lib/frontdoor/frontdoor.db frontdoor:frontdoor 600
owned /var/lib/frontdoor/frontdoor.key frontdoor:frontdoor 600
owned /var/lib/frontdoor/control.sock frontdoor:frontdoor 600
echo '== admin commands while it runs'
sudo frontdoor $cfg operators list | grep -q 'No operator chats'
sudo -u frontdoor frontdoor $cfg operators add --centre arca-crema --chat 5
sudo frontdoor $cfg operators list | grep -q 'arca-crema'
if runuser -u nobody -- frontdoor $cfg operators list 2>"$work/nobody.err"; then echo "nobody could list the operators"; exit 1; fi
cat "$work/nobody.err"
sudo frontdoor $cfg backup "$work/running.db"
owned "$work/running.db" root:root 600
echo '== restore and rekey as root, with the service stopped'
systemctl stop frontdoor
sudo frontdoor $cfg restore "$work/running.db"
sudo frontdoor $cfg rekey
owned /var/lib/frontdoor/frontdoor.db frontdoor:frontdoor 600
owned /var/lib/frontdoor/frontdoor.key frontdoor:frontdoor 600
owned /var/lib/frontdoor/frontdoor.key.previous frontdoor:frontdoor 600
echo '== it starts again on those files'
systemctl start frontdoor
healthy
sudo frontdoor $cfg operators list | grep -q 'arca-crema'
systemctl stop frontdoor
echo '== done'
`, work, steps, verify, httpAddr)
	cmd := exec.Command("unshare", "--mount", "--fork", "bash", "-c", script)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(work, "state", "service.log"))
		t.Fatalf("install: %v\n%s\nservice log:\n%s", err, out, log)
	}
	t.Logf("%s", out)
	if api.Calls("getUpdates") == 0 {
		t.Error("the installed service never polled the Bot API")
	}
}

// readmeSteps returns the README's install steps: the shell block between
// the install markers.
func readmeSteps(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(raw), "<!-- install:begin")
	block, _, ok2 := strings.Cut(rest, "<!-- install:end -->")
	_, code, ok3 := strings.Cut(block, "```sh\n")
	code, _, ok4 := strings.Cut(code, "```")
	if !ok || !ok2 || !ok3 || !ok4 {
		t.Fatal("README.md has no ```sh block between <!-- install:begin --> and <!-- install:end -->")
	}
	return code
}

// copyModule copies the module's files (not .git, nor data directories)
// to dst, as a clone would have them.
func copyModule(t *testing.T, root, dst string) {
	t.Helper()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "data") {
			return filepath.SkipDir
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		if !d.Type().IsRegular() || d.Name() == "frontdoor" {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// freeAddr returns a loopback address no one listens on at the moment.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
