package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"frontdoor/config"
	"frontdoor/store"
)

// backupCommand writes a consistent copy of the store into one of the
// caller's files: from the running bot, or from the store when it is
// stopped.
var backupCommand = storeCommand{
	name: "backup",
	spec: cmdSpec{usage: "frontdoor backup FILE", args: exactly(1),
		help: `Writes a consistent copy of the store to FILE (mode 0600), also while the bot runs. The copy
is sealed like the store: it opens only with the store's key, so keep the key apart from it.`},
	setup: func(*flag.FlagSet) func([]string) (storeWork, error) {
		return func(pos []string) (storeWork, error) {
			file := pos[0]
			return func(ctx context.Context, env storeEnv) error {
				err := env.io.WriteFile(file, 0o600, func(w io.Writer) error {
					_, err := env.db.Backup(ctx, w)
					return err
				})
				if err != nil {
					return err
				}
				fmt.Fprintf(env.io.Stdout, "Backup written to %s. It opens only with this store's key: keep the key (%s or %s) safe and apart from it.\n",
					file, config.EnvKey, filepath.Join(env.cfg.DataDir, store.KeyFile))
				return nil
			}, nil
		}
	},
}

var restoreSpec = cmdSpec{usage: "frontdoor restore FILE", args: exactly(1),
	help: `Replaces the store with the backup FILE. Stop the bot first: restore refuses a store in use.
The replaced file is kept as DATA/frontdoor.db.before-restore, and the new one gets its owner and
mode. A backup made before a rekey is sealed again under the current key when the previous key
(DATA/frontdoor.key.previous) is still there.`}

// restoreCmd replaces the store with a backup.
func restoreCmd(c *cli, args []string) int {
	pos, cfg, ok := c.begin(restoreSpec, args)
	if !ok {
		return c.code
	}
	file := pos[0]
	resealed, err := restore(cfg, file)
	if err != nil {
		fmt.Fprintf(c.stderr, "frontdoor: %v\n", err)
		return 1
	}
	if resealed {
		fmt.Fprintf(c.stdout, "%s was made before the last rekey: it is now sealed under the current key.\n", file)
	}
	fmt.Fprintf(c.stdout, "Restored %s from %s; the previous file is kept as %s.before-restore.\n", storePath(cfg), file, storePath(cfg))
	return 0
}

func restore(cfg config.Config, file string) (bool, error) {
	if err := store.CheckOwner(cfg.DataDir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	key, err := store.LoadKey(cfg.DataDir, cfg.Key)
	if err != nil {
		return false, err
	}
	// A backup made before the last rekey is sealed under the kept key.
	prevPath := filepath.Join(cfg.DataDir, store.PreviousKeyFile)
	var older [][]byte
	if prev, err := store.PreviousKey(cfg.DataDir); err == nil {
		older = append(older, prev)
	} else if !errors.Is(err, os.ErrNotExist) {
		return false, err
	}
	resealed, err := store.Restore(storePath(cfg), file, key, older...)
	if errors.Is(err, store.ErrBackupKey) {
		current := filepath.Join(cfg.DataDir, store.KeyFile)
		if cfg.Key != "" {
			current = config.EnvKey
		}
		return false, fmt.Errorf("%w: it opens only with the key it was made with, neither the current one (%s) nor the one kept by the last rekey (%s, %s).\n"+
			"Find that key, give it in %s (or put it in %s) and run frontdoor restore again; then frontdoor rekey seals everything under a new key",
			err, current, prevPath, presence(prevPath), config.EnvKey, current)
	}
	return resealed, err
}

// presence says whether a file is there, for messages.
func presence(path string) string {
	if _, err := os.Stat(path); err != nil {
		return "not there"
	}
	return "there"
}
