package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows"
)

// bucketStats holds the anonymous counters: month, network, centre,
// language and counter name, joined by 0 bytes, to an 8-byte count. No key
// or value points to a person, so the bucket is plain.
const bucketStats = "stats"

var _ flows.StatsStore = (*DB)(nil)

// statKey encodes a counter's key; a part holding a 0 byte is refused, so
// that keys cannot collide.
func statKey(c flows.Count) ([]byte, error) {
	parts := []string{c.Month, c.Network, c.Centre, c.Lang, c.Name}
	for _, p := range parts {
		if strings.IndexByte(p, 0) >= 0 {
			return nil, errors.New("counter key holds a 0 byte")
		}
	}
	if !flows.ValidMonth(c.Month) || c.Name == "" {
		return nil, fmt.Errorf("counter %q of month %q is not valid", c.Name, c.Month)
	}
	return []byte(strings.Join(parts, "\x00")), nil
}

// addCounts adds one to each counter in tx. It reads what it adds to, so a
// rerun of the group commit (which starts from the rolled-back state) adds
// exactly once.
func addCounts(tx *bolt.Tx, keys [][]byte) error {
	b := tx.Bucket([]byte(bucketStats))
	for _, k := range keys {
		var n uint64
		if v := b.Get(k); len(v) == 8 {
			n = binary.BigEndian.Uint64(v)
		}
		if err := b.Put(k, binary.BigEndian.AppendUint64(nil, n+1)); err != nil {
			return err
		}
	}
	return nil
}

// countKeys encodes the counters of a change before its transaction.
func countKeys(counts []flows.Count) ([][]byte, error) {
	keys := make([][]byte, 0, len(counts))
	for _, c := range counts {
		k, err := statKey(c)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// Stats returns the counters of the months from..to, both included.
func (db *DB) Stats(ctx context.Context, from, to string) ([]flows.Stat, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load stats: %w", err)
	}
	var out []flows.Stat
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte(bucketStats)).Cursor()
		for k, v := c.Seek([]byte(from)); k != nil; k, v = c.Next() {
			parts := bytes.Split(k, []byte{0})
			if len(parts) != 5 || len(v) != 8 {
				return fmt.Errorf("counter record %q is malformed", k)
			}
			if string(parts[0]) > to {
				break
			}
			out = append(out, flows.Stat{Count: flows.Count{Month: string(parts[0]), Network: string(parts[1]),
				Centre: string(parts[2]), Lang: string(parts[3]), Name: string(parts[4])}, N: int64(binary.BigEndian.Uint64(v))})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load stats: %w", err)
	}
	return out, nil
}
