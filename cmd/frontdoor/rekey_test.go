package main

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRekeyKeyFile: rekey with the key file seals the store under a new
// key, keeps the old one aside, and her remembered language survives; an
// interrupted rekey is finished by running it again.
func TestRekeyKeyFile(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"FRONTDOOR_DATA": dir}
	if code, _, stderr := runMain(t, env, "/lang en\n", "console"); code != 0 {
		t.Fatalf("console: %d %s", code, stderr)
	}
	keyPath := filepath.Join(dir, "frontdoor.key")
	old, err := os.ReadFile(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runMain(t, env, "", "rekey")
	if code != 0 || !strings.Contains(stdout, "Sealed 1 records") {
		t.Fatalf("rekey: %d %q %q", code, stdout, stderr)
	}
	cur, _ := os.ReadFile(keyPath)
	prev, _ := os.ReadFile(keyPath + ".previous")
	if bytes.Equal(cur, old) || !bytes.Equal(prev, old) {
		t.Errorf("after rekey the key file was not replaced, or the old key not kept")
	}
	if _, err := os.Stat(keyPath + ".new"); err == nil {
		t.Error("the pending key file was left behind")
	}
	if fi, err := os.Stat(keyPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("new key file: %v %v, want mode 0600", fi, err)
	}
	if _, stdout, _ := runMain(t, env, "", "console"); !strings.Contains(stdout, "Hello") {
		t.Errorf("her language was lost in the rekey:\n%s", stdout)
	}

	// Interrupted after the store was sealed, before the key files moved.
	if err := os.Rename(keyPath, keyPath+".new"); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(keyPath+".previous", keyPath); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr = runMain(t, env, "", "rekey")
	if code != 0 || !strings.Contains(stdout, "Finished an interrupted rekey") {
		t.Fatalf("rekey again: %d %q %q", code, stdout, stderr)
	}
	if now, _ := os.ReadFile(keyPath); !bytes.Equal(now, cur) {
		t.Error("finishing did not install the pending key")
	}
	if _, stdout, _ := runMain(t, env, "", "console"); !strings.Contains(stdout, "Hello") {
		t.Errorf("after finishing, her language was lost:\n%s", stdout)
	}
}

// TestRekeyEnvironmentKey: with FRONTDOOR_KEY the new key must be given;
// afterwards only the new key opens the store.
func TestRekeyEnvironmentKey(t *testing.T) {
	dir := t.TempDir()
	k1 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32))
	k2 := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{2}, 32))
	env := map[string]string{"FRONTDOOR_DATA": dir, "FRONTDOOR_KEY": k1}
	if code, _, stderr := runMain(t, env, "/lang en\n", "console"); code != 0 {
		t.Fatalf("console: %d %s", code, stderr)
	}
	if code, _, stderr := runMain(t, env, "", "rekey"); code != 1 || !strings.Contains(stderr, "FRONTDOOR_NEW_KEY") {
		t.Errorf("rekey without a new key: %d %q", code, stderr)
	}
	env["FRONTDOOR_NEW_KEY"] = k2
	if code, stdout, stderr := runMain(t, env, "", "rekey"); code != 0 || !strings.Contains(stdout, "set FRONTDOOR_KEY") {
		t.Fatalf("rekey: %d %q %q", code, stdout, stderr)
	}
	delete(env, "FRONTDOOR_NEW_KEY")
	if code, _, stderr := runMain(t, env, "", "console"); code != 1 || !strings.Contains(stderr, "different key") {
		t.Errorf("the old key still opens the store: %d %q", code, stderr)
	}
	env["FRONTDOOR_KEY"] = k2
	if _, stdout, _ := runMain(t, env, "", "console"); !strings.Contains(stdout, "Hello") {
		t.Errorf("her language was lost in the rekey:\n%s", stdout)
	}
}

// TestRestoreAfterRekey: a backup made before a rekey is restored under the
// current key while the previous key is kept; a backup of another store
// says which key it needs.
func TestRestoreAfterRekey(t *testing.T) {
	dir := newDataDir(t)
	env := map[string]string{"FRONTDOOR_DATA": dir}
	backup := filepath.Join(t.TempDir(), "before.db")
	if code, _, stderr := runMain(t, env, "", "backup", backup); code != 0 {
		t.Fatalf("backup: %d %s", code, stderr)
	}
	if code, _, stderr := runMain(t, env, "", "rekey"); code != 0 {
		t.Fatalf("rekey: %d %s", code, stderr)
	}
	code, stdout, stderr := runMain(t, env, "", "restore", backup)
	if code != 0 || !strings.Contains(stdout, "now sealed under the current key") {
		t.Fatalf("restore of a backup from before the rekey: %d %q %q", code, stdout, stderr)
	}
	if code, _, stderr := runMain(t, env, "", "operators", "list"); code != 0 {
		t.Errorf("the restored store does not open with the current key: %s", stderr)
	}
	other := newDataDir(t)
	foreign := filepath.Join(t.TempDir(), "other.db")
	runMain(t, map[string]string{"FRONTDOOR_DATA": other}, "", "backup", foreign)
	code, _, stderr = runMain(t, env, "", "restore", foreign)
	if code != 1 || !strings.Contains(stderr, "the key it was made with") || !strings.Contains(stderr, "frontdoor.key.previous") {
		t.Errorf("restore of another store's backup: %d %q", code, stderr)
	}
}
