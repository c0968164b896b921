package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows"
)

// schemaSealed is the schema from which the directory, the counters and
// the due times of sessions and trails are sealed; schema 1 kept them in
// clear.
const schemaSealed = 2

// schemaCoarse is the schema from which a centre whose address is
// confidential keeps only the position of its comune (flows.KeepCoarse);
// schema 2 kept its own coordinates, which locate it.
const schemaCoarse = 3

// keepCoarse brings a store of an older schema to schemaCoarse: the stored
// directory keeps of every centre whose address is confidential only the
// position of its comune, and the audit trail's changes of the position of
// those centres say flows.ConfidentialValue instead of coordinates. The
// store is compacted after it, so that no freed page keeps them.
func (db *DB) keepCoarse(tx *bolt.Tx) error {
	b := tx.Bucket([]byte(bucketDirectory))
	key := []byte(keyCurrent)
	v := b.Get(key)
	if v == nil {
		return nil
	}
	var d flows.DirectoryData
	if err := db.openJSON(bucketDirectory, key, v, &d); err != nil {
		return fmt.Errorf("open the directory: %w", err)
	}
	confidential := make(map[string]bool)
	for _, c := range d.Centres {
		if c.AddressConfidential {
			confidential[c.ID] = true
		}
	}
	if len(confidential) == 0 {
		return nil
	}
	if len(flows.KeepCoarse(&d)) > 0 {
		val, err := db.sealJSON(bucketDirectory, key, d)
		if err != nil {
			return err
		}
		if err := b.Put(key, val); err != nil {
			return err
		}
	}
	audit := tx.Bucket([]byte(bucketAudit))
	var scrubbed [][2][]byte
	err := audit.ForEach(func(k, v []byte) error {
		var e flows.AuditEntry
		if err := db.openJSON(bucketAudit, k, v, &e); err != nil {
			return nil // never readable: nothing to scrub
		}
		if e.Field != "location" || !confidential[e.Subject] {
			return nil
		}
		e.Before, e.After = flows.ConfidentialValue, flows.ConfidentialValue
		val, err := db.sealJSON(bucketAudit, k, e)
		scrubbed = append(scrubbed, [2][]byte{slices.Clone(k), val})
		return err
	})
	if err != nil {
		return fmt.Errorf("the audit trail: %w", err)
	}
	for _, r := range scrubbed {
		if err := audit.Put(r[0], r[1]); err != nil {
			return err
		}
	}
	return nil
}

// sealOlderForms seals what a store of an older schema kept in clear:
// the directory, the counters, and the due times at the head of sessions
// and trails (whose indexes are rebuilt). A record that does not open is
// dropped: it could never be read.
func (db *DB) sealOlderForms(tx *bolt.Tx) error {
	if err := db.sealDirectory(tx); err != nil {
		return fmt.Errorf("seal the directory: %w", err)
	}
	if err := db.sealStats(tx); err != nil {
		return fmt.Errorf("seal the counters: %w", err)
	}
	for _, b := range [][2]string{{bucketSessions, bucketSessionExpiry}, {bucketTrail, bucketTrailDue}} {
		if err := db.sealDueTimes(tx, b[0], b[1]); err != nil {
			return fmt.Errorf("seal the due times of %s: %w", b[0], err)
		}
	}
	return nil
}

func (db *DB) sealDirectory(tx *bolt.Tx) error {
	b := tx.Bucket([]byte(bucketDirectory))
	v := b.Get([]byte(keyCurrent))
	if !bytes.HasPrefix(v, []byte("{")) {
		return nil
	}
	sealed, err := db.seal.seal(bucketDirectory, []byte(keyCurrent), v)
	if err != nil {
		return err
	}
	return b.Put([]byte(keyCurrent), sealed)
}

func (db *DB) sealStats(tx *bolt.Tx) error {
	b := tx.Bucket([]byte(bucketStats))
	var old [][2][]byte
	err := b.ForEach(func(k, v []byte) error {
		if len(k) > 7 && k[7] == 0 {
			old = append(old, [2][]byte{slices.Clone(k), slices.Clone(v)})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range old {
		if len(r[1]) != 8 || bytes.Count(r[0], []byte{0}) != 4 {
			return fmt.Errorf("counter record %q is malformed", r[0])
		}
		month, rest := string(r[0][:7]), r[0][8:]
		key := db.seal.statKey(month, rest)
		n := binary.BigEndian.Uint64(r[1])
		if v := b.Get(key); v != nil {
			cur, _, err := db.openStat(key, v)
			if err != nil {
				return err
			}
			n += cur
		}
		if err := b.Delete(r[0]); err != nil {
			return err
		}
		if err := db.putStat(b, key, n, rest); err != nil {
			return err
		}
	}
	return nil
}

// sealDueTimes seals every record of bucket in the timed form and
// rebuilds its index.
func (db *DB) sealDueTimes(tx *bolt.Tx, bucket, index string) error {
	b := tx.Bucket([]byte(bucket))
	var recs [][2][]byte
	if err := b.ForEach(func(k, v []byte) error {
		recs = append(recs, [2][]byte{slices.Clone(k), slices.Clone(v)})
		return nil
	}); err != nil {
		return err
	}
	if err := tx.DeleteBucket([]byte(index)); err != nil {
		return err
	}
	if _, err := tx.CreateBucket([]byte(index)); err != nil {
		return err
	}
	for _, r := range recs {
		due, body, err := db.seal.openTimed(bucket, r[0], r[1])
		if err != nil {
			if err := b.Delete(r[0]); err != nil {
				return err
			}
			continue
		}
		val, err := db.seal.sealTimed(bucket, r[0], due, body)
		if err != nil {
			return err
		}
		if err := b.Put(r[0], val); err != nil {
			return err
		}
		if err := db.seal.putDue(tx, index, r[0], due); err != nil {
			return err
		}
	}
	return nil
}

// compact rewrites the store into a new file holding only its live pages,
// and puts it in place: the pages an older form was freed from, which
// still held it in clear, are gone. The new file is opened (and locked)
// before it takes the old one's name, so the name is never unlocked.
func (db *DB) compact(opts *bolt.Options) error {
	tmp := db.path + ".compact"
	_ = os.Remove(tmp) // left by a crash during an earlier try
	dst, err := bolt.Open(tmp, 0o600, opts)
	if err != nil {
		return err
	}
	if err := bolt.Compact(dst, db.bolt, 64<<20); err != nil {
		return errors.Join(err, dst.Close(), os.Remove(tmp))
	}
	if err := dst.Sync(); err != nil {
		return errors.Join(err, dst.Close(), os.Remove(tmp))
	}
	// Root bringing the store of the bot's user to this schema must not
	// leave it a file that user cannot open.
	if err := sameOwner(tmp, db.path, 0o600); err != nil {
		return errors.Join(err, dst.Close(), os.Remove(tmp))
	}
	if err := os.Rename(tmp, db.path); err != nil {
		return errors.Join(err, dst.Close(), os.Remove(tmp))
	}
	syncDir(filepath.Dir(db.path))
	old := db.bolt
	db.bolt = dst
	return old.Close()
}
