// Package store keeps frontdoor's state in one bbolt file. It implements the
// storage interfaces of package flows. Everything about a person is sealed
// with AES-256-GCM before it reaches the file, and records about a chat are
// keyed by an HMAC of the chat id, never the id itself. bbolt has no TTL, so
// sessions carry an expiry index that a sweeper walks.
package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"frontdoor/flows"
)

// Bucket names. They are part of the associated data of sealed records, so
// renaming one makes its records unreadable.
const (
	bucketSessions      = "sessions"
	bucketSessionExpiry = "session_expiry"
	bucketDirectory     = "directory"
	bucketMeta          = "meta"
)

// Keys of the directory and meta buckets.
const (
	keyCurrent  = "current"
	keySchema   = "schema"
	keyKeyCheck = "keycheck"
)

// SchemaVersion is the layout version written to the meta bucket; a program
// refuses a store written by a newer layout instead of misreading it, and
// brings an older one to its own when it opens it.
const SchemaVersion = schemaCoarse

// ErrLocked means another process holds the store file open; two bots on one
// file would corrupt each other's view, so the second one must stop.
var ErrLocked = errors.New("locked by another process")

// ErrNoStore means Open was asked for an existing store and found no file:
// a command that only reads or changes a store never creates one, so that
// a wrong data directory is an error instead of an empty store.
var ErrNoStore = errors.New("no store")

// ErrWrongKey means the store was created with another master key: sessions
// sealed under the old key can never be opened, and failing at start is
// clearer than silently finding nothing.
var ErrWrongKey = errors.New("was created with a different key (FRONTDOOR_KEY or frontdoor.key changed)")

// Options tune Open. The zero value is right for production.
type Options struct {
	// Timeout is how long Open waits for the file lock; default 1 s. It
	// turns a second process into a clear error instead of a hang.
	Timeout time.Duration
	// NoSync skips fsync on commit. For benchmarks only: a crash loses
	// committed sessions.
	NoSync bool
	// SingleCommit gives every write a transaction and an fsync of its
	// own, without the group commit: the obvious way, which the load test
	// measures for comparison. Never for serving.
	SingleCommit bool
	// Now is the clock used to decide expiry; default time.Now. For tests.
	Now func() time.Time
	// OnSweep, when set, is told the outcome of every sweep RunSweeper
	// makes, for metrics.
	OnSweep func(removed int, err error)
	// MustExist makes Open fail with ErrNoStore instead of creating the
	// store (and its directory) when there is none.
	MustExist bool
}

// DB is the bbolt store. It is safe for concurrent use.
type DB struct {
	path string
	bolt *bolt.DB
	seal *sealer
	now  func() time.Time
	gc   committer
	ops  operatorCache

	onSweep func(removed int, err error)
}

// Compile-time checks that DB provides what flows needs.
var (
	_ flows.SessionStore   = (*DB)(nil)
	_ flows.DirectoryStore = (*DB)(nil)
)

// Open opens or creates the store at path with the 32-byte master key (see
// LoadKey). It creates the directory (0700), the file (0600) and the buckets
// (unless Options.MustExist), and fails if another process holds the file or the key is not the one the
// store was created with.
func Open(path string, key []byte, opts Options) (*DB, error) {
	s, err := newSealer(key)
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if opts.Timeout <= 0 {
		opts.Timeout = time.Second
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	dir := filepath.Dir(path)
	if opts.MustExist {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w at %s", ErrNoStore, path)
		}
	} else if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store directory %s cannot be created: %w", dir, err)
	}
	bopts := &bolt.Options{Timeout: opts.Timeout, NoSync: opts.NoSync}
	b, err := bolt.Open(path, 0o600, bopts)
	if err != nil {
		switch {
		case errors.Is(err, bolterrors.ErrTimeout):
			return nil, fmt.Errorf("store %s is %w", path, ErrLocked)
		case errors.Is(err, fs.ErrPermission):
			return nil, fmt.Errorf("store %s cannot be opened: is the directory %s writable? %w", path, dir, err)
		}
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db := &DB{path: path, bolt: b, seal: s, now: opts.Now, onSweep: opts.OnSweep, gc: committer{single: opts.SingleCommit}}
	migrated, err := db.init()
	if err == nil && migrated {
		err = db.compact(bopts)
	}
	if err != nil {
		_ = db.bolt.Close()
		if errors.Is(err, ErrWrongKey) {
			return nil, fmt.Errorf("store %s %w", path, ErrWrongKey)
		}
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	// A file left wider by an older version or a careless copy is narrowed:
	// it holds sealed data, but its size and timing are still information.
	if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
		_ = os.Chmod(path, 0o600)
	}
	return db, nil
}

// init creates the buckets, records the schema version and key check on a
// new store, and checks them on an existing one; a store of an older
// schema is brought to this one (migrated tells).
func (db *DB) init() (migrated bool, err error) {
	err = db.bolt.Update(func(tx *bolt.Tx) error {
		migrated = false
		// A store from before the index gets it built once.
		if tx.Bucket([]byte(bucketCallbackChats)) == nil && tx.Bucket([]byte(bucketCallbacks)) != nil {
			if _, err := tx.CreateBucket([]byte(bucketCallbackChats)); err != nil {
				return fmt.Errorf("create bucket %s: %w", bucketCallbackChats, err)
			}
			if err := db.indexCallbacks(tx); err != nil {
				return fmt.Errorf("index callbacks: %w", err)
			}
		}
		for _, name := range allBuckets() {
			if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
				return fmt.Errorf("create bucket %s: %w", name, err)
			}
		}
		meta := tx.Bucket([]byte(bucketMeta))
		check := db.seal.keyCheck()
		if v := meta.Get([]byte(keyKeyCheck)); v != nil && !equalConstTime(v, check) {
			return ErrWrongKey
		}
		ver := uint64(SchemaVersion)
		if v := meta.Get([]byte(keySchema)); v != nil {
			if len(v) != 8 {
				return fmt.Errorf("schema version is %d bytes, want 8", len(v))
			}
			if ver = binary.BigEndian.Uint64(v); ver > SchemaVersion {
				return fmt.Errorf("schema version %d is newer than this program's (%d)", ver, SchemaVersion)
			}
		}
		if ver < schemaSealed {
			if err := db.sealOlderForms(tx); err != nil {
				return err
			}
			migrated = true
		}
		if ver < schemaCoarse {
			if err := db.keepCoarse(tx); err != nil {
				return fmt.Errorf("keep the coarse position of confidential centres: %w", err)
			}
			migrated = true
		}
		if err := meta.Put([]byte(keySchema), binary.BigEndian.AppendUint64(nil, SchemaVersion)); err != nil {
			return err
		}
		return meta.Put([]byte(keyKeyCheck), check)
	})
	return migrated, err
}

// Close releases the file and its lock. Stop RunSweeper first.
func (db *DB) Close() error {
	if err := db.bolt.Close(); err != nil {
		return fmt.Errorf("close store %s: %w", db.path, err)
	}
	return nil
}

// Path is the file the store lives in, for messages and backups.
func (db *DB) Path() string { return db.path }

// expirySeconds is the stored expiry: unix seconds, rounded up so a session
// never expires before the time asked for; times before 1970 become 0.
func expirySeconds(t time.Time) uint64 {
	sec := t.Unix()
	if t.Nanosecond() > 0 {
		sec++
	}
	if sec < 0 {
		return 0
	}
	return uint64(sec)
}

// nowSeconds is the largest stored expiry that counts as past at now.
func nowSeconds(now time.Time) uint64 {
	sec := now.Unix()
	if sec < 0 {
		return 0
	}
	return uint64(sec)
}

// Session returns the session of a chat. A session whose expiry has passed
// is not found even before the sweeper deletes it. A record that does not
// authenticate is an error, never a blank session.
func (db *DB) Session(ctx context.Context, chat int64) (flows.Session, bool, error) {
	if err := ctx.Err(); err != nil {
		return flows.Session{}, false, fmt.Errorf("load session: %w", err)
	}
	key := db.seal.chatKey(chat)
	var val []byte
	err := db.bolt.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte(bucketSessions)).Get(key); v != nil {
			val = append([]byte(nil), v...) // v dies with the transaction
		}
		return nil
	})
	if err != nil {
		return flows.Session{}, false, fmt.Errorf("load session: %w", err)
	}
	if val == nil {
		return flows.Session{}, false, nil
	}
	exp, body, err := db.seal.openTimed(bucketSessions, key, val)
	if err != nil {
		return flows.Session{}, false, fmt.Errorf("load session: %w", err)
	}
	if exp <= nowSeconds(db.now()) {
		return flows.Session{}, false, nil
	}
	var s flows.Session
	if err := json.Unmarshal(body, &s); err != nil {
		return flows.Session{}, false, fmt.Errorf("load session: decode: %w", err)
	}
	return s, true, nil
}

// SaveSession seals and stores the session of a chat until expires. Writes
// of many chats share one commit (group commit, see committer); it returns
// once the commit is durable.
func (db *DB) SaveSession(ctx context.Context, chat int64, s flows.Session, expires time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	key, val, exp, err := db.sessionRecord(chat, s, expires)
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}

	// A group commit may run this more than once: it only reads the current
	// state and writes values computed above, so running it again gives the
	// same result.
	err = db.gc.commit(db.bolt, func(tx *bolt.Tx) error { return db.putSession(tx, key, val, exp) })
	if err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	return nil
}

// sessionRecord seals a session: its record key, its value (the expiry
// and the JSON, sealed together) and its expiry in unix seconds.
func (db *DB) sessionRecord(chat int64, s flows.Session, expires time.Time) (key, val []byte, exp uint64, err error) {
	// The chat id goes inside the sealed value, so that a rekey can derive
	// the record key under the new key (see Rekey).
	key = db.seal.chatKey(chat)
	pt, err := json.Marshal(sealedSession{Session: s, Chat: chat})
	if err != nil {
		return nil, nil, 0, fmt.Errorf("encode: %w", err)
	}
	exp = expirySeconds(expires)
	if val, err = db.seal.sealTimed(bucketSessions, key, exp, pt); err != nil {
		return nil, nil, 0, err
	}
	return key, val, exp, nil
}

// putSession writes a sealed session record and moves its expiry index
// entry. A record before it that does not open leaves its entry behind,
// which the sweeper drops.
func (db *DB) putSession(tx *bolt.Tx, key, val []byte, exp uint64) error {
	sessions := tx.Bucket([]byte(bucketSessions))
	if old := sessions.Get(key); old != nil {
		if oldExp, _, err := db.seal.openTimed(bucketSessions, key, old); err == nil {
			if err := db.seal.deleteDue(tx, bucketSessionExpiry, key, oldExp); err != nil {
				return err
			}
		}
	}
	if err := sessions.Put(key, val); err != nil {
		return err
	}
	return db.seal.putDue(tx, bucketSessionExpiry, key, exp)
}

// DeleteSession forgets the session of a chat at once, for the quick exit:
// her state must not wait for the sweeper. Deleting a missing session is not
// an error.
func (db *DB) DeleteSession(ctx context.Context, chat int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	key := db.seal.chatKey(chat)
	err := db.gc.commit(db.bolt, func(tx *bolt.Tx) error { return db.deleteSession(tx, key) })
	if err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// deleteSession deletes a session and its expiry index entry in tx.
func (db *DB) deleteSession(tx *bolt.Tx, key []byte) error {
	sessions := tx.Bucket([]byte(bucketSessions))
	old := sessions.Get(key)
	if old == nil {
		return nil
	}
	if exp, _, err := db.seal.openTimed(bucketSessions, key, old); err == nil {
		if err := db.seal.deleteDue(tx, bucketSessionExpiry, key, exp); err != nil {
			return err
		}
	}
	return sessions.Delete(key)
}

// Directory returns the stored directory; found is false on a new store.
func (db *DB) Directory(ctx context.Context) (flows.DirectoryData, bool, error) {
	var d flows.DirectoryData
	found, err := db.getSealed(ctx, bucketDirectory, []byte(keyCurrent), &d)
	if err != nil {
		return flows.DirectoryData{}, false, fmt.Errorf("load directory: %w", err)
	}
	return d, found, nil
}

// SaveDirectory replaces the stored directory. It is sealed like the rest:
// it holds confidential addresses, and volunteers read it through
// `frontdoor directory export`. Of a centre whose address is confidential
// it keeps only the position of its comune (flows.KeepCoarse).
func (db *DB) SaveDirectory(ctx context.Context, d flows.DirectoryData) error {
	d.Centres = slices.Clone(d.Centres)
	flows.KeepCoarse(&d)
	if err := db.putSealed(ctx, bucketDirectory, []byte(keyCurrent), d); err != nil {
		return fmt.Errorf("save directory: %w", err)
	}
	return nil
}
