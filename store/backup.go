package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"frontdoor/flows/logattr"
)

// Backup writes a consistent copy of the whole store to w while it stays in
// use (bbolt's tx.WriteTo in a read transaction: writers go on meanwhile).
// The copy is as sealed as the store: it opens only with the same key.
func (db *DB) Backup(ctx context.Context, w io.Writer) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	var n int64
	err := db.bolt.View(func(tx *bolt.Tx) (err error) {
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("backup: %w", err)
	}
	return n, nil
}

// BackupFile writes a backup to path atomically: into a temporary file
// beside it (mode 0600), synced, then renamed, so that path is either the
// old file or a complete new backup.
func (db *DB) BackupFile(ctx context.Context, path string) error {
	return WriteFileAtomic(path, 0o600, func(w io.Writer) error {
		_, err := db.Backup(ctx, w)
		return err
	})
}

// WriteFileAtomic creates path with mode perm and what write writes,
// through a synced temporary file in the same directory and a rename: path
// is the old file or the complete new one, never a part.
func WriteFileAtomic(path string, perm os.FileMode, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	err = f.Chmod(perm)
	if err == nil {
		err = write(f)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// backupPrefix and backupSuffix frame the names of periodic backups; the
// time between them sorts in time order.
const (
	backupPrefix = "frontdoor-"
	backupSuffix = ".db"
	backupStamp  = "20060102T150405Z"
)

// RunBackups writes a backup into dir every interval until ctx is done,
// keeping the newest keep files (at least 1) and removing older ones. The
// first one is due an interval after the newest already in dir, so that
// restarts (a crash loop, say) do not rotate the history away. Failures are
// logged and retried at the next interval.
func (db *DB) RunBackups(ctx context.Context, dir string, every time.Duration, keep int, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	keep, every = max(keep, 1), max(every, time.Minute)
	wait := time.Duration(0)
	if names, err := backupNames(dir); err == nil && len(names) > 0 {
		stamp := strings.TrimSuffix(strings.TrimPrefix(names[len(names)-1], backupPrefix), backupSuffix)
		if last, err := time.Parse(backupStamp, stamp); err == nil {
			wait = max(0, last.Add(every).Sub(db.now()))
		}
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := db.periodicBackup(ctx, dir, keep); err != nil && ctx.Err() == nil {
			log.LogAttrs(ctx, slog.LevelWarn, "backup failed", logattr.Event("backup_failed"), logattr.Err(err))
		} else if err == nil {
			log.LogAttrs(ctx, slog.LevelInfo, "backup written", logattr.Event("backup_written"))
		}
		t.Reset(every)
	}
}

// backupNames lists the periodic backups in dir, oldest first.
func backupNames(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(n, backupPrefix) && strings.HasSuffix(n, backupSuffix) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names, nil
}

// LastBackup is the time of the newest periodic backup in dir, from its
// name; zero when there is none.
func LastBackup(dir string) (time.Time, error) {
	names, err := backupNames(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("backup directory: %w", err)
	}
	for i := len(names) - 1; i >= 0; i-- {
		stamp := strings.TrimSuffix(strings.TrimPrefix(names[i], backupPrefix), backupSuffix)
		if t, err := time.Parse(backupStamp, stamp); err == nil {
			return t, nil
		}
	}
	return time.Time{}, nil
}

func (db *DB) periodicBackup(ctx context.Context, dir string, keep int) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("backup directory: %w", err)
	}
	name := backupPrefix + db.now().UTC().Format(backupStamp) + backupSuffix
	if err := db.BackupFile(ctx, filepath.Join(dir, name)); err != nil {
		return err
	}
	backups, err := backupNames(dir)
	if err != nil {
		return fmt.Errorf("backup directory: %w", err)
	}
	var errs []error
	for _, old := range backups[:max(0, len(backups)-keep)] {
		if err := os.Remove(filepath.Join(dir, old)); err != nil {
			errs = append(errs, fmt.Errorf("remove old backup: %w", err))
		}
	}
	return errors.Join(errs...)
}

// ErrBackupKey means a backup is sealed under none of the keys Restore
// was given.
var ErrBackupKey = errors.New("is sealed under another key")

// Restore replaces the store file at path with the backup at from, after
// checking that the backup opens with key. A backup made before a rekey is
// sealed under an older key: if it opens with one of older, it is sealed
// again under key first, and resealed says so. The bot must be stopped: a
// store in use gives an error wrapping ErrLocked. The replaced file is kept
// beside it as path + ".before-restore", and the new one gets its owner and
// mode (or the directory's owner), so that a restore run as root leaves a
// file the bot's user can open.
func Restore(path, from string, key []byte, older ...[]byte) (resealed bool, err error) {
	// Hold the current file's lock for the whole swap, so that a bot
	// started meanwhile cannot open it.
	like := filepath.Dir(path)
	if _, err := os.Stat(path); err == nil {
		like = path
		cur, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
		switch {
		case errors.Is(err, bolterrors.ErrTimeout):
			return false, fmt.Errorf("restore: store %s is %w: stop the bot first", path, ErrLocked)
		case err != nil:
			// A damaged file is a reason to restore: go on without its lock.
		default:
			defer cur.Close()
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("restore: %w", err)
	}
	src, err := os.Open(from)
	if err != nil {
		return false, fmt.Errorf("restore: %w", err)
	}
	defer src.Close()
	staged := path + ".restore"
	if err := WriteFileAtomic(staged, 0o600, func(w io.Writer) error {
		_, err := io.Copy(w, src)
		return err
	}); err != nil {
		return false, fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(staged) // gone by the rename when all went well
	check, err := Open(staged, key, Options{MustExist: true})
	if err == nil {
		err = check.Close()
	}
	for _, old := range older {
		if !errors.Is(err, ErrWrongKey) {
			break
		}
		if _, err = Rekey(staged, old, key, Options{MustExist: true}); err == nil {
			resealed = true
		}
	}
	if errors.Is(err, ErrWrongKey) {
		return false, fmt.Errorf("restore: %s %w than this data directory's", from, ErrBackupKey)
	}
	if err != nil {
		return false, fmt.Errorf("restore: %s is not a backup this key opens: %w", from, err)
	}
	if err := sameOwner(staged, like, 0o600); err != nil {
		return false, fmt.Errorf("restore: %w", err)
	}
	if err := os.Rename(path, path+".before-restore"); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("restore: keep the current file: %w", err)
	}
	if err := os.Rename(staged, path); err != nil {
		return false, fmt.Errorf("restore: %w", err)
	}
	return resealed, nil
}

// Check reports whether the store answers a read, for health checks.
func (db *DB) Check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("check store: %w", err)
	}
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte(bucketMeta)).Get([]byte(keySchema)) == nil {
			return errors.New("no schema version")
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("check store: %w", err)
	}
	return nil
}

// SessionCount is the number of stored sessions, expired ones not yet
// swept included, for metrics.
func (db *DB) SessionCount(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("count sessions: %w", err)
	}
	var n int
	err := db.bolt.View(func(tx *bolt.Tx) error {
		n = tx.Bucket([]byte(bucketSessions)).Stats().KeyN
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("count sessions: %w", err)
	}
	return n, nil
}
