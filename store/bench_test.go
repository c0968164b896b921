package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"frontdoor/flows"
)

func benchSession() flows.Session {
	return flows.Session{
		State: "callback.when", Lang: "it", Network: "arca", Town: "Casalbuttano ed Uniti",
		Data:       map[string]string{"phone": "+393471234567", "when": "lun 18:00-19:00"},
		LastUpdate: 123456, Seen: time.Now(),
	}
}

// BenchmarkSaveSession is one chat writing at a time: each save waits for
// the batch delay and its own commit.
func BenchmarkSaveSession(b *testing.B) {
	for _, c := range []struct {
		name string
		opts Options
	}{{"sync", Options{}}, {"nosync", Options{NoSync: true}}} {
		b.Run(c.name, func(b *testing.B) {
			db := openTest(b, filepath.Join(b.TempDir(), "frontdoor.db"), testKey(1), c.opts)
			ctx, s, exp := context.Background(), benchSession(), time.Now().Add(time.Hour)
			b.ReportAllocs()
			i := int64(0)
			for b.Loop() {
				i++
				if err := db.SaveSession(ctx, i%1000, s, exp); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSaveSessionParallel is many chats writing at once (parallelism
// times GOMAXPROCS goroutines, one chat each): their writes share commits
// (group commit), so the cost per save falls well below one commit.
func BenchmarkSaveSessionParallel(b *testing.B) {
	for _, c := range []struct {
		name string
		opts Options
	}{{"sync", Options{}}, {"nosync", Options{NoSync: true}}} {
		for _, p := range []int{1, 8, 32} {
			b.Run(fmt.Sprintf("%s/p%d", c.name, p), func(b *testing.B) {
				db := openTest(b, filepath.Join(b.TempDir(), "frontdoor.db"), testKey(1), c.opts)
				ctx, s, exp := context.Background(), benchSession(), time.Now().Add(time.Hour)
				var next atomic.Int64
				b.ReportAllocs()
				b.SetParallelism(p)
				b.RunParallel(func(pb *testing.PB) {
					chat := next.Add(1)
					for pb.Next() {
						if err := db.SaveSession(ctx, chat, s, exp); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		}
	}
}

// BenchmarkSession is a load of one sealed session.
func BenchmarkSession(b *testing.B) {
	db := openTest(b, filepath.Join(b.TempDir(), "frontdoor.db"), testKey(1), Options{NoSync: true})
	ctx := context.Background()
	if err := db.SaveSession(ctx, 1, benchSession(), time.Now().Add(time.Hour)); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, found, err := db.Session(ctx, 1); err != nil || !found {
			b.Fatal(found, err)
		}
	}
}
