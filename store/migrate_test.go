package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows"
)

// TestOpenKeepsCoarse: a store of schema 2 kept the own coordinates of a
// centre whose address is confidential, in the directory and in the audit
// of a change of its position. Opened, it keeps only the point of its
// comune, the audit says neither position, and no page of the file holds
// the old records.
func TestOpenKeepsCoarse(t *testing.T) {
	path := filepath.Join(t.TempDir(), "frontdoor.db")
	db := openTest(t, path, testKey(1), Options{})
	exact := atRestDirectory
	exact.Centres = []flows.Centre{atRestDirectory.Centres[0]}
	exact.Centres[0].Lat, exact.Centres[0].Lon = 45.3581, 9.6893
	dirVal, err := db.sealJSON(bucketDirectory, []byte(keyCurrent), exact)
	must(t, err)
	entry := flows.AuditEntry{At: time.Unix(1_800_000_000, 0), Who: "v1", Network: secretNetwork, Subject: secretCentre,
		Field: "location", Before: "45.36000,9.68000", After: "45.35810,9.68930"}
	auditKey := binary.BigEndian.AppendUint64(nil, uint64(entry.At.UnixNano()))
	auditVal, err := db.sealJSON(bucketAudit, auditKey, entry)
	must(t, err)
	must(t, db.bolt.Update(func(tx *bolt.Tx) error {
		for _, p := range []struct {
			bucket   string
			key, val []byte
		}{
			{bucketDirectory, []byte(keyCurrent), dirVal},
			{bucketAudit, auditKey, auditVal},
			{bucketMeta, []byte(keySchema), binary.BigEndian.AppendUint64(nil, 2)},
		} {
			if err := tx.Bucket([]byte(p.bucket)).Put(p.key, p.val); err != nil {
				return err
			}
		}
		return nil
	}))
	must(t, db.Close())

	db = openTest(t, path, testKey(1), Options{})
	ctx := context.Background()
	d, _, err := db.Directory(ctx)
	must(t, err)
	if c := d.Centres[0]; c.Lat != 45.3667 || c.Lon != 9.68333 || c.Address != secretAddress {
		t.Errorf("the confidential centre after opening: %+v, want it at the point of Crema", c)
	}
	audit, err := db.Audit(ctx, "", 10)
	must(t, err)
	if len(audit) != 1 || audit[0].Before != flows.ConfidentialValue || audit[0].After != flows.ConfidentialValue {
		t.Errorf("the audit after opening: %+v", audit)
	}
	must(t, db.bolt.View(func(tx *bolt.Tx) error {
		if v := tx.Bucket([]byte(bucketMeta)).Get([]byte(keySchema)); binary.BigEndian.Uint64(v) != SchemaVersion {
			t.Errorf("schema %d after opening, want %d", binary.BigEndian.Uint64(v), SchemaVersion)
		}
		return nil
	}))
	must(t, db.Close())
	raw, err := os.ReadFile(path)
	must(t, err)
	for name, old := range map[string][]byte{"directory": dirVal, "audit entry": auditVal} {
		if bytes.Contains(raw, old) {
			t.Errorf("the file still holds the old %s (in a record or a freed page)", name)
		}
	}
}
