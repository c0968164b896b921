package store

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCreateKeyCreatesAndReusesFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if _, err := LoadKey(dir, ""); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("LoadKey without a key file: %v, want an error naming %s", err, dir)
	}
	if _, err := os.Stat(dir); !errors.Is(err, fs.ErrNotExist) {
		t.Fatal("LoadKey created the data directory")
	}
	key, created, err := CreateKey(dir, "")
	if err != nil || !created {
		t.Fatal(created, err)
	}
	if len(key) != KeySize || bytes.Equal(key, make([]byte, KeySize)) {
		t.Fatalf("key = %x", key)
	}
	path := filepath.Join(dir, KeyFile)
	checkModes(t, map[string]os.FileMode{path: 0o600, dir: 0o700})
	again, err := LoadKey(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(key, again) {
		t.Error("LoadKey read another key than the one created")
	}
	if again, created, _ := CreateKey(dir, ""); created || !bytes.Equal(key, again) {
		t.Error("a second CreateKey made a new key instead of reusing the file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("data directory holds %d entries, want only the key file", len(entries))
	}
	other, _, _ := CreateKey(t.TempDir(), "")
	if bytes.Equal(key, other) {
		t.Error("two new key files hold the same key")
	}
}

func TestLoadKeyFromEnvironment(t *testing.T) {
	want := bytes.Repeat([]byte{7}, KeySize)
	dir := filepath.Join(t.TempDir(), "data")
	got, err := LoadKey(dir, base64.StdEncoding.EncodeToString(want)+"\n")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("key = %x, want %x", got, want)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Error("LoadKey with FRONTDOOR_KEY touched the data directory")
	}
}

func TestLoadKeyRejectsBadEnvironment(t *testing.T) {
	secret := "not*base64*SECRETVALUE"
	_, err := LoadKey(t.TempDir(), secret)
	if err == nil || !strings.HasPrefix(err.Error(), "FRONTDOOR_KEY must be the base64 of 32 bytes") {
		t.Errorf("bad base64: err = %v", err)
	}
	if err != nil && strings.Contains(err.Error(), "SECRETVALUE") {
		t.Errorf("error %q repeats the key", err)
	}
	_, err = LoadKey(t.TempDir(), base64.StdEncoding.EncodeToString(make([]byte, 16)))
	if want := "FRONTDOOR_KEY must be the base64 of 32 bytes (got 16 bytes)"; err == nil || err.Error() != want {
		t.Errorf("short key: err = %v, want %q", err, want)
	}
}

func TestLoadKeyRejectsBadFile(t *testing.T) {
	for name, c := range map[string]struct {
		content string
		mode    os.FileMode
		want    string
	}{
		"world readable": {base64.StdEncoding.EncodeToString(make([]byte, KeySize)), 0o644, "readable by group or others"},
		"group readable": {base64.StdEncoding.EncodeToString(make([]byte, KeySize)), 0o640, "readable by group or others"},
		"not base64":     {"%%%", 0o600, "must hold the base64 of 32 bytes"},
		"short":          {base64.StdEncoding.EncodeToString(make([]byte, 31)), 0o600, "(got 31 bytes)"},
		"empty":          {"", 0o600, "(got 0 bytes)"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, KeyFile)
			if err := os.WriteFile(path, []byte(c.content), c.mode); err != nil {
				t.Fatal(err)
			}
			os.Chmod(path, c.mode) // umask-proof
			_, err := LoadKey(dir, "")
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("err = %v, want one naming %s and saying %q", err, path, c.want)
			}
		})
	}
}

func TestLoadKeyUnusableDirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	os.WriteFile(file, nil, 0o600)
	dir := filepath.Join(file, "data")
	if _, _, err := CreateKey(dir, ""); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("err = %v, want one naming %s", err, dir)
	}
}
