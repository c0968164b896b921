package store

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows"
)

// bucketStats holds the anonymous counters, sealed: a stolen file must not
// tell how many women a small centre heard in which language. A key is the
// month, statSealed, then an HMAC of the rest of the counter's name
// (network, centre, language, counter); the value seals the count (8 bytes)
// and that rest. The month stays in clear so that a span of months is one
// cursor walk.
const bucketStats = "stats"

// statSealed follows the month in a sealed counter's key; counters written
// before they were sealed have a 0 byte there.
const statSealed = 1

// statTagLen is how many bytes of the HMAC tell counters apart.
const statTagLen = 16

var _ flows.StatsStore = (*DB)(nil)

// statRef is a counter ready to add to: its key and the rest of its name.
type statRef struct{ key, rest []byte }

// statRest encodes the parts of a counter's name after the month; a part
// holding a 0 byte is refused, so that names cannot collide.
func statRest(c flows.Count) ([]byte, error) {
	parts := []string{c.Network, c.Centre, c.Lang, c.Name}
	for _, p := range append(parts, c.Month) {
		if strings.IndexByte(p, 0) >= 0 {
			return nil, errors.New("counter key holds a 0 byte")
		}
	}
	if !flows.ValidMonth(c.Month) || c.Name == "" {
		return nil, fmt.Errorf("counter %q of month %q is not valid", c.Name, c.Month)
	}
	return []byte(strings.Join(parts, "\x00")), nil
}

// statKey is the key of the counter of month named rest.
func (s *sealer) statKey(month string, rest []byte) []byte {
	m := hmac.New(sha256.New, s.macKey)
	m.Write([]byte(bucketStats))
	m.Write([]byte{0})
	m.Write(rest)
	return m.Sum(append([]byte(month), statSealed))[:len(month)+1+statTagLen]
}

// countRefs encodes the counters of a change before its transaction.
func (db *DB) countRefs(counts []flows.Count) ([]statRef, error) {
	refs := make([]statRef, 0, len(counts))
	for _, c := range counts {
		rest, err := statRest(c)
		if err != nil {
			return nil, err
		}
		refs = append(refs, statRef{db.seal.statKey(c.Month, rest), rest})
	}
	return refs, nil
}

// addCounts adds one to each counter in tx. It reads what it adds to, so a
// rerun of the group commit (which starts from the rolled-back state) adds
// exactly once.
func (db *DB) addCounts(tx *bolt.Tx, refs []statRef) error {
	b := tx.Bucket([]byte(bucketStats))
	for _, r := range refs {
		var n uint64
		if v := b.Get(r.key); v != nil {
			cur, _, err := db.openStat(r.key, v)
			if err != nil {
				return err
			}
			n = cur
		}
		if err := db.putStat(b, r.key, n+1, r.rest); err != nil {
			return err
		}
	}
	return nil
}

// putStat seals and writes a counter.
func (db *DB) putStat(b *bolt.Bucket, key []byte, n uint64, rest []byte) error {
	sealed, err := db.seal.seal(bucketStats, key, append(binary.BigEndian.AppendUint64(nil, n), rest...))
	if err != nil {
		return err
	}
	return b.Put(key, sealed)
}

// openStat opens a counter: its count and the rest of its name.
func (db *DB) openStat(key, val []byte) (uint64, []byte, error) {
	pt, err := db.seal.open(bucketStats, key, val)
	if err != nil {
		return 0, nil, err
	}
	if len(pt) < 8 {
		return 0, nil, fmt.Errorf("counter record %x is malformed", key)
	}
	return binary.BigEndian.Uint64(pt[:8]), pt[8:], nil
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
			if len(k) < 8 || k[7] != statSealed {
				return fmt.Errorf("counter record %x is malformed", k)
			}
			month := string(k[:7])
			if month > to {
				break
			}
			n, rest, err := db.openStat(k, v)
			if err != nil {
				return err
			}
			parts := strings.Split(string(rest), "\x00")
			if len(parts) != 4 {
				return fmt.Errorf("counter record %x is malformed", k)
			}
			out = append(out, flows.Stat{Count: flows.Count{Month: month, Network: parts[0], Centre: parts[1], Lang: parts[2], Name: parts[3]}, N: int64(n)})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load stats: %w", err)
	}
	// Keys sort by month, then by a hash: put each month in name order.
	slices.SortFunc(out, func(a, b flows.Stat) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Network, b.Network), cmp.Compare(a.Centre, b.Centre),
			cmp.Compare(a.Lang, b.Lang), cmp.Compare(a.Name, b.Name))
	})
	return out, nil
}
