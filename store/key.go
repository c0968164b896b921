package store

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// KeySize is the length of the master key in bytes (AES-256 and HMAC-SHA256).
const KeySize = 32

// KeyFile is the name of the key file LoadKey keeps in the data directory
// when FRONTDOOR_KEY is not set.
const KeyFile = "frontdoor.key"

// LoadKey returns the 32-byte master key that seals everything the store
// keeps about a person. A non-empty b64 (the FRONTDOOR_KEY value) wins, so a
// deployment can keep the key out of the data directory and its backups;
// otherwise the key is read from <dataDir>/frontdoor.key. A missing key file
// is an error wrapping fs.ErrNotExist: only CreateKey makes one. A key file
// that group or others can read is refused rather than silently used.
// Errors never contain the key.
func LoadKey(dataDir, b64 string) ([]byte, error) {
	if b64 = strings.TrimSpace(b64); b64 != "" {
		key, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			return nil, fmt.Errorf("FRONTDOOR_KEY must be the base64 of %d bytes: %w", KeySize, err)
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("FRONTDOOR_KEY must be the base64 of %d bytes (got %d bytes)", KeySize, len(key))
		}
		return key, nil
	}
	return readKeyFile(filepath.Join(dataDir, KeyFile))
}

// CreateKey is LoadKey that creates <dataDir>/frontdoor.key (32 random
// bytes, mode 0600, and the directory, 0700) when there is none; created
// says whether it did. Only what starts a store anew (the bot, the
// console) calls it.
func CreateKey(dataDir, b64 string) (key []byte, created bool, err error) {
	if strings.TrimSpace(b64) != "" {
		key, err = LoadKey(dataDir, b64)
		return key, false, err
	}
	return keyFileAt(filepath.Join(dataDir, KeyFile))
}

// keyFileAt reads the key file at path, or creates it (random, mode 0600,
// and its directory) when it does not exist yet.
func keyFileAt(path string) ([]byte, bool, error) {
	key, err := readKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, false, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, false, fmt.Errorf("create data directory %s: %w", dir, err)
	}
	key, err = createKeyFile(path)
	if errors.Is(err, fs.ErrExist) {
		// Another process created it between our read and our create.
		key, err = readKeyFile(path)
		return key, false, err
	}
	return key, err == nil, err
}

// readKeyFile reads and checks an existing key file. A missing file is
// returned as an error wrapping fs.ErrNotExist.
func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("key file %s is readable by group or others (mode %v): run chmod 600 %s", path, fi.Mode().Perm(), path)
	}
	buf, err := io.ReadAll(io.LimitReader(f, 1024))
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(buf)))
	if err != nil {
		return nil, fmt.Errorf("key file %s must hold the base64 of %d bytes: %w", path, KeySize, err)
	}
	if len(key) != KeySize {
		return nil, fmt.Errorf("key file %s must hold the base64 of %d bytes (got %d bytes)", path, KeySize, len(key))
	}
	return key, nil
}

// createKeyFile writes a new random key to a temporary file, syncs it, and
// links it into place, so a crash never leaves a half-written key file and
// an existing key is never overwritten (the link fails with fs.ErrExist).
func createKeyFile(path string) ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("create key file %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".frontdoor.key.*")
	if err != nil {
		return nil, fmt.Errorf("create key file %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	// CreateTemp already uses 0600; Chmod makes it explicit and umask-proof.
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("create key file %s: %w", path, err)
	}
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return nil, err
		}
		return nil, fmt.Errorf("create key file %s: %w", path, err)
	}
	syncDir(dir)
	return key, nil
}

// syncDir makes a new directory entry durable; failure only weakens
// durability on exotic file systems, so it is ignored.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}

// Key files of a rekey that uses the key file: the new key waits in
// PendingKeyFile until the store is sealed under it, and the replaced key
// stays in PreviousKeyFile, for backups made before the rekey.
const (
	PendingKeyFile  = KeyFile + ".new"
	PreviousKeyFile = KeyFile + ".previous"
)

// PendingKey returns the new key of a rekey from <dataDir>/frontdoor.key.new,
// creating it (random, mode 0600) when it does not exist yet. Keeping it in
// a file before the store changes means a crash at any point loses no key:
// running the rekey again finishes it.
func PendingKey(dataDir string) ([]byte, error) {
	key, _, err := keyFileAt(filepath.Join(dataDir, PendingKeyFile))
	return key, err
}

// PreviousKey reads the key a rekey replaced, from
// <dataDir>/frontdoor.key.previous: backups made before the rekey are
// sealed under it. A missing file is an error wrapping fs.ErrNotExist.
func PreviousKey(dataDir string) ([]byte, error) {
	return readKeyFile(filepath.Join(dataDir, PreviousKeyFile))
}

// CommitPendingKey ends a rekey: frontdoor.key becomes frontdoor.key.previous
// and frontdoor.key.new becomes frontdoor.key, with the owner of the key it
// replaces. Finishing an interrupted
// rekey (resume), a previous key already kept is not replaced: the key file
// may then be gone, or be one a start made meanwhile.
func CommitPendingKey(dataDir string, resume bool) error {
	cur, prev, next := filepath.Join(dataDir, KeyFile), filepath.Join(dataDir, PreviousKeyFile), filepath.Join(dataDir, PendingKeyFile)
	// The new key file belongs to whoever owns the key it replaces (the
	// bot's user), also when the rekey runs as root.
	like := cur
	if _, err := os.Stat(cur); err != nil {
		like = dataDir
	}
	if err := sameOwner(next, like, 0o600); err != nil {
		return fmt.Errorf("install the new key: %w", err)
	}
	keep := true
	if resume {
		_, err := os.Stat(prev)
		keep = errors.Is(err, fs.ErrNotExist)
	}
	if keep {
		if err := os.Rename(cur, prev); err != nil && !(resume && errors.Is(err, fs.ErrNotExist)) {
			return fmt.Errorf("keep the previous key: %w", err)
		}
	}
	if err := os.Rename(next, cur); err != nil {
		return fmt.Errorf("install the new key: %w", err)
	}
	syncDir(dataDir)
	return nil
}
