package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows/logattr"
)

// sweepBatch bounds the deletions of one transaction, so a large sweep never
// holds the writer lock (and every chat's reply) for long.
const sweepBatch = 1000

// Sweep deletes the sessions whose expiry is at or before now and returns
// how many it deleted. It walks the expiry index in transactions of at most
// 1000 sessions and stops early when ctx is done.
func (db *DB) Sweep(ctx context.Context, now time.Time) (int, error) {
	n, err := db.sweep(ctx, now, bucketSessions, bucketSessionExpiry)
	if err != nil {
		return n, fmt.Errorf("sweep sessions: %w", err)
	}
	return n, nil
}

// SweepShelf deletes the messages kept for web visitors whose time is over
// (flows.HersVisibleFor after they were kept), and returns for how many
// visitors.
func (db *DB) SweepShelf(ctx context.Context, now time.Time) (int, error) {
	n, err := db.sweep(ctx, now, bucketShelf, bucketShelfDue)
	if err != nil {
		return n, fmt.Errorf("sweep shelf: %w", err)
	}
	return n, nil
}

// sweep deletes the timed records of bucket whose due time in index is at
// or before now, in transactions of at most sweepBatch, and returns how
// many it deleted.
func (db *DB) sweep(ctx context.Context, now time.Time, bucket, indexName string) (int, error) {
	limit := nowSeconds(now)
	removed := 0
	for {
		if err := ctx.Err(); err != nil {
			return removed, err
		}
		n, more := 0, false
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			n = 0
			records := tx.Bucket([]byte(bucket))
			index := tx.Bucket([]byte(indexName))
			// Collect first, delete after: deleting under a bbolt cursor can
			// skip entries.
			var due [][2][]byte // key, value
			more = false
			eachDue(tx, indexName, limit, func(k, v []byte) bool {
				if more = len(due) == sweepBatch; more {
					return false
				}
				due = append(due, [2][]byte{slices.Clone(k), slices.Clone(v)})
				return true
			})
			for _, e := range due {
				if err := index.Delete(e[0]); err != nil {
					return err
				}
				rec, err := db.seal.dueRecord(indexName, e[0], e[1])
				if err != nil {
					continue // an entry that does not open points nowhere
				}
				// Delete the record only if this entry is its current
				// due time (or it no longer opens); a stale entry alone is
				// just dropped.
				v := records.Get(rec)
				if v == nil {
					continue
				}
				if exp, _, err := db.seal.openTimed(bucket, rec, v); err == nil && exp != binary.BigEndian.Uint64(e[0][:8]) {
					continue
				}
				if err := records.Delete(rec); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return removed, err
		}
		removed += n
		if !more {
			return removed, nil
		}
	}
}

// RunSweeper sweeps expired sessions and shelved messages now and then
// every interval until ctx is done. It logs only counts and errors, never anything about a chat.
func (db *DB) RunSweeper(ctx context.Context, every time.Duration, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := db.Sweep(ctx, db.now())
		if db.onSweep != nil && (err == nil || ctx.Err() == nil) {
			db.onSweep(n, err)
		}
		switch {
		case err != nil && ctx.Err() == nil:
			log.LogAttrs(ctx, slog.LevelWarn, "sweep failed", logattr.Event("sweep_failed"), logattr.Count("count", n), logattr.Err(err))
		case n > 0:
			log.LogAttrs(ctx, slog.LevelInfo, "sessions swept", logattr.Event("sessions_swept"), logattr.Count("count", n))
		}
		if n, err := db.SweepShelf(ctx, db.now()); err != nil && ctx.Err() == nil {
			log.LogAttrs(ctx, slog.LevelWarn, "sweep failed", logattr.Event("sweep_failed"), logattr.Count("count", n), logattr.Err(err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
