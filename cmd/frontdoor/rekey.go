package main

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"frontdoor/config"
	"frontdoor/store"
)

var rekeySpec = cmdSpec{usage: "frontdoor rekey",
	help: `Seals everything in the store under a new key, in one transaction. Stop the bot first.
With the key file, rekey makes the new key itself in DATA/frontdoor.key.new, then installs it as
DATA/frontdoor.key and keeps the old one as DATA/frontdoor.key.previous (keep that as long as
backups made before the rekey, then delete it); if it is interrupted, run it again. With
FRONTDOOR_KEY, give the new key in FRONTDOOR_NEW_KEY; afterwards set FRONTDOOR_KEY to it.
Run it as the bot's user or as root: new key files get the owner of the ones they replace.`}

// rekeyCmd seals the store under a new key.
func rekeyCmd(c *cli, args []string) int {
	_, cfg, ok := c.begin(rekeySpec, args)
	if !ok {
		return c.code
	}
	if err := rekey(cfg, c.stdout); err != nil {
		fmt.Fprintf(c.stderr, "frontdoor: rekey: %v\n", err)
		return 1
	}
	return 0
}

func rekey(cfg config.Config, stdout io.Writer) error {
	path := storePath(cfg)
	if err := store.CheckOwner(cfg.DataDir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no store to rekey: %w", err)
	}
	fromFile := cfg.Key == ""
	var oldKey, newKey []byte
	var err error
	if fromFile {
		if cfg.NewKey != "" {
			return fmt.Errorf("%s is only for a key given in %s: with the key file, rekey makes the new key itself", config.EnvNewKey, config.EnvKey)
		}
		if done, err := finishRekey(cfg.DataDir, path); done || err != nil {
			if done {
				fmt.Fprintln(stdout, "Finished an interrupted rekey: the store was already sealed under the new key.")
			}
			return err
		}
		if oldKey, err = store.LoadKey(cfg.DataDir, ""); err != nil {
			return err
		}
		if newKey, err = store.PendingKey(cfg.DataDir); err != nil {
			return err
		}
	} else {
		if cfg.NewKey == "" {
			return fmt.Errorf("%s is set: give the new key in %s (head -c 32 /dev/urandom | base64)", config.EnvKey, config.EnvNewKey)
		}
		oldKey, _ = base64.StdEncoding.DecodeString(cfg.Key) // checked by config
		newKey, _ = base64.StdEncoding.DecodeString(cfg.NewKey)
	}
	res, err := store.Rekey(path, oldKey, newKey, store.Options{MustExist: true})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Sealed %d records under the new key (%d old records could not be carried over and were dropped).\n", res.Resealed, res.Dropped)
	if !fromFile {
		fmt.Fprintf(stdout, "Now set %s to the new key and remove %s, then start the bot.\n", config.EnvKey, config.EnvNewKey)
		return nil
	}
	if err := store.CommitPendingKey(cfg.DataDir, false); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "The new key is in %s; the old one is in %s: keep it only as long as backups made before now, then delete it.\n",
		filepath.Join(cfg.DataDir, store.KeyFile), filepath.Join(cfg.DataDir, store.PreviousKeyFile))
	return nil
}

// finishRekey finishes a rekey interrupted after the store was sealed under
// the pending key, and reports whether it did.
func finishRekey(dataDir, path string) (bool, error) {
	if _, err := os.Stat(filepath.Join(dataDir, store.PendingKeyFile)); err != nil {
		return false, nil
	}
	key, err := store.PendingKey(dataDir)
	if err != nil {
		return false, err
	}
	db, err := store.Open(path, key, store.Options{})
	if errors.Is(err, store.ErrWrongKey) {
		return false, nil // not sealed under it yet: rekey from the start
	}
	if err != nil {
		return false, err
	}
	if err := db.Close(); err != nil {
		return false, err
	}
	return true, store.CommitPendingKey(dataDir, true)
}
