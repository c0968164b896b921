package ops

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"frontdoor/flows/logattr"
)

// The running bot holds the store file's exclusive lock, and bbolt's
// read-only mode needs a shared lock, so no second process can read the
// store while the bot runs. A hot backup therefore goes through the bot:
// it serves one on a Unix socket in its data directory, which the data
// directory's permissions (0700) restrict to the bot's own user and root.
// `frontdoor backup` uses the socket when the store is locked.

// SocketName is the control socket's file name in the data directory.
const SocketName = "control.sock"

// Backuper writes a consistent copy of the store; store.DB implements it.
type Backuper interface {
	Backup(ctx context.Context, w io.Writer) (int64, error)
}

// ServeControl serves GET /backup on a Unix socket at path until ctx is
// done. A stale socket left by a crash is replaced: the caller holds the
// store's lock, so no other bot uses this data directory.
func ServeControl(ctx context.Context, path string, b Backuper, log *slog.Logger) error {
	_ = os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("control socket: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		if _, err := b.Backup(r.Context(), w); err != nil {
			// The status is sent already: break the connection, so that the
			// client gets an error instead of a complete-looking short copy.
			log.LogAttrs(r.Context(), slog.LevelWarn, "backup failed", logattr.Event("backup_failed"), logattr.Err(err))
			panic(http.ErrAbortHandler)
		}
		log.LogAttrs(r.Context(), slog.LevelInfo, "backup served", logattr.Event("backup_served"))
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("control socket: %w", err)
	}
	return nil
}

// FetchBackup asks the bot listening on the control socket at path for a
// backup and writes it to w.
func FetchBackup(ctx context.Context, path string, w io.Writer) (int64, error) {
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
	}}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://frontdoor/backup", nil)
	if err != nil {
		return 0, fmt.Errorf("fetch backup: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("fetch backup from the running bot (%s): %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("fetch backup: the bot answered %s", resp.Status)
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("fetch backup: %w", err)
	}
	return n, nil
}
