package ops

import (
	"bufio"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"sync"

	"frontdoor/flows/logattr"
)

// The running bot holds the store file's lock, so no second process can
// open the store while it runs. Admin commands (operators, stats, audit,
// directory, backup) therefore run inside the bot: it listens on a Unix
// socket in its data directory (mode 0600, and it accepts only its own
// user and root), runs the command there with the same code and on the
// same open store as a stopped bot's command would, and streams the
// output back. Files named on the command line stay the caller's: the bot
// asks the caller to read or write them, so paths, permissions and owners
// are those of the person who typed the command.

// SocketName is the control socket's file name in the data directory.
const SocketName = "control.sock"

// Stdio is what a command uses instead of the process's streams and
// files, so that the same code runs in its own process or inside the bot.
type Stdio struct {
	Stdout, Stderr io.Writer
	// ReadFile returns the content of one of the caller's files.
	ReadFile func(name string) ([]byte, error)
	// WriteFile creates one of the caller's files with mode perm from what
	// write writes: completely, or not at all when write fails.
	WriteFile func(name string, perm os.FileMode, write func(io.Writer) error) error
}

// Runner runs one command line inside the bot and returns its exit status.
type Runner func(ctx context.Context, args []string, io Stdio) int

// Frame types of the control protocol: a type byte, a big-endian uint32
// length, the payload.
const (
	frameArgs   = 'A' // caller → bot: the command line, JSON
	frameStdout = 'O' // bot → caller: bytes for standard output
	frameStderr = 'E' // bot → caller: bytes for standard error
	frameRead   = 'R' // bot → caller: send the file named in the payload
	frameCreate = 'C' // bot → caller: create the file, JSON {name, perm}
	frameWrite  = 'W' // bot → caller: bytes for the file being created
	frameClose  = 'Z' // bot → caller: "1" keep the file, "0" drop it
	frameData   = 'D' // caller → bot: a file's content, or "" for done
	frameFail   = 'F' // caller → bot: the request failed, with why
	frameExit   = 'X' // bot → caller: the exit status, 4 bytes
)

// maxFrame bounds one frame: a file read is one frame.
const maxFrame = 64 << 20

// writeChunk bounds the bytes of a frameWrite.
const writeChunk = 256 << 10

// errPeer refuses a caller that is neither the bot's user nor root.
var errPeer = errors.New("control socket: refused a caller that is neither this bot's user nor root")

// ServeControl runs commands sent to the Unix socket at path until ctx is
// done. A stale socket left by a crash is replaced: the caller holds the
// store's lock, so no other bot uses this data directory. The socket is
// created with mode 0600 and callers with another user id than the bot's
// own, except root, are refused.
func ServeControl(ctx context.Context, path string, run Runner, log *slog.Logger) error {
	_ = os.Remove(path)
	ln, err := listenPrivate(path)
	if err != nil {
		return fmt.Errorf("control socket: %w", err)
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	go func() {
		<-ctx.Done()
		_ = ln.Close()
	}()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("control socket: %w", err)
		}
		wg.Go(func() {
			defer conn.Close()
			stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
			defer stop()
			if err := checkPeer(conn); err != nil {
				log.LogAttrs(ctx, slog.LevelWarn, "control caller refused", logattr.Event("control_refused"))
				return
			}
			serveOne(ctx, conn, run)
		})
	}
}

// listenPrivate listens on a Unix socket that only its owner can connect
// to from the moment it exists.
func listenPrivate(path string) (net.Listener, error) {
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	return ln, nil
}

// serveOne runs the command of one connection.
func serveOne(ctx context.Context, conn net.Conn, run Runner) {
	r := bufio.NewReader(conn)
	typ, payload, err := readFrame(r)
	if err != nil || typ != frameArgs {
		return
	}
	var args []string
	if json.Unmarshal(payload, &args) != nil {
		return
	}
	p := &peer{r: r, w: conn}
	code := run(ctx, args, Stdio{
		Stdout:    p.stream(frameStdout),
		Stderr:    p.stream(frameStderr),
		ReadFile:  p.readFile,
		WriteFile: p.writeFile,
	})
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(int32(code)))
	_ = p.send(frameExit, b[:])
}

// peer is the bot's side of a connection: frames to the caller, and the
// answers to its requests for files.
type peer struct {
	r  *bufio.Reader
	mu sync.Mutex // one frame at a time, and one request at a time
	w  io.Writer
}

func (p *peer) send(typ byte, payload []byte) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return writeFrame(p.w, typ, payload)
}

type streamWriter struct {
	p   *peer
	typ byte
}

func (s streamWriter) Write(b []byte) (int, error) {
	for rest := b; len(rest) > 0; {
		n := min(len(rest), writeChunk)
		if err := s.p.send(s.typ, rest[:n]); err != nil {
			return len(b) - len(rest), err
		}
		rest = rest[n:]
	}
	return len(b), nil
}

func (p *peer) stream(typ byte) io.Writer { return streamWriter{p, typ} }

// answer waits for the caller's answer to a request.
func (p *peer) answer() ([]byte, error) {
	typ, payload, err := readFrame(p.r)
	switch {
	case err != nil:
		return nil, fmt.Errorf("control socket: the caller went away: %w", err)
	case typ == frameFail:
		return nil, errors.New(string(payload))
	case typ != frameData:
		return nil, fmt.Errorf("control socket: unexpected frame %q", typ)
	}
	return payload, nil
}

func (p *peer) readFile(name string) ([]byte, error) {
	if err := p.send(frameRead, []byte(name)); err != nil {
		return nil, err
	}
	return p.answer()
}

type createRequest struct {
	Name string      `json:"name"`
	Perm os.FileMode `json:"perm"`
}

func (p *peer) writeFile(name string, perm os.FileMode, write func(io.Writer) error) error {
	req, _ := json.Marshal(createRequest{name, perm})
	if err := p.send(frameCreate, req); err != nil {
		return err
	}
	if _, err := p.answer(); err != nil {
		return err
	}
	werr := write(p.stream(frameWrite))
	keep := []byte("1")
	if werr != nil {
		keep = []byte("0")
	}
	if err := p.send(frameClose, keep); err != nil {
		return errors.Join(werr, err)
	}
	_, err := p.answer()
	return errors.Join(werr, err)
}

// Call runs a command line in the bot listening on the control socket at
// path, with local for the caller's streams and files, and returns the
// command's exit status. An error means the bot could not be asked (no
// bot listening: errors.Is(err, ErrNoBot)) or the connection broke.
func Call(ctx context.Context, path string, args []string, local Stdio) (int, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", path)
	if errors.Is(err, fs.ErrPermission) {
		return 0, fmt.Errorf("the running bot's control socket %s is not yours: run the command as the bot's user or as root", path)
	}
	if err != nil {
		// No socket, or one a crashed bot left: no bot runs.
		return 0, fmt.Errorf("%w (%s): %w", ErrNoBot, path, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	payload, _ := json.Marshal(args)
	if err := writeFrame(conn, frameArgs, payload); err != nil {
		return 0, fmt.Errorf("control socket: %w", err)
	}
	c := caller{local: local, w: conn}
	r := bufio.NewReader(conn)
	for {
		typ, payload, err := readFrame(r)
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errors.New("the bot closed the connection before the command ended (refused, or stopping)")
			}
			return 0, fmt.Errorf("control socket: %w", err)
		}
		if typ == frameExit {
			if len(payload) != 4 {
				return 0, errors.New("control socket: malformed exit status")
			}
			return int(int32(binary.BigEndian.Uint32(payload))), nil
		}
		if err := c.handle(typ, payload); err != nil {
			return 0, fmt.Errorf("control socket: %w", err)
		}
	}
}

// ErrNoBot means no bot answers on the control socket.
var ErrNoBot = errors.New("no bot answers on the control socket")

// caller is the calling side of a connection: it writes the streams and
// does the file requests of the command running in the bot.
type caller struct {
	local Stdio
	w     io.Writer
	// file is the file being created, fed by a goroutine through pw.
	pw   *io.PipeWriter
	done chan error
}

func (c *caller) handle(typ byte, payload []byte) error {
	switch typ {
	case frameStdout:
		_, _ = c.local.Stdout.Write(payload)
	case frameStderr:
		_, _ = c.local.Stderr.Write(payload)
	case frameRead:
		b, err := c.local.ReadFile(string(payload))
		if err == nil && len(b) > maxFrame {
			err = fmt.Errorf("%s: more than %d MiB", payload, maxFrame>>20)
		}
		if err != nil {
			return writeFrame(c.w, frameFail, []byte(err.Error()))
		}
		return writeFrame(c.w, frameData, b)
	case frameCreate:
		var req createRequest
		if err := json.Unmarshal(payload, &req); err != nil || c.pw != nil {
			return errors.New("malformed file request")
		}
		pr, pw := io.Pipe()
		c.pw, c.done = pw, make(chan error, 1)
		go func() {
			err := c.local.WriteFile(req.Name, req.Perm, func(w io.Writer) error {
				_, err := io.Copy(w, pr)
				return err
			})
			pr.CloseWithError(err) // unblocks the writes if it failed early
			c.done <- err
		}()
		return writeFrame(c.w, frameData, nil)
	case frameWrite:
		if c.pw == nil {
			return errors.New("write without a file")
		}
		_, _ = c.pw.Write(payload) // a failure is reported at the close
	case frameClose:
		if c.pw == nil {
			return errors.New("close without a file")
		}
		if string(payload) == "1" {
			c.pw.Close()
		} else {
			c.pw.CloseWithError(errors.New("the command failed"))
		}
		err := <-c.done
		c.pw, c.done = nil, nil
		if err != nil {
			return writeFrame(c.w, frameFail, []byte(err.Error()))
		}
		return writeFrame(c.w, frameData, nil)
	default:
		return fmt.Errorf("unexpected frame %q", typ)
	}
	return nil
}

func writeFrame(w io.Writer, typ byte, payload []byte) error {
	if len(payload) > maxFrame {
		return fmt.Errorf("frame of %d bytes, more than %d", len(payload), maxFrame)
	}
	b := make([]byte, 5, 5+len(payload))
	b[0] = typ
	binary.BigEndian.PutUint32(b[1:], uint32(len(payload)))
	_, err := w.Write(append(b, payload...))
	return err
}

func readFrame(r io.Reader) (byte, []byte, error) {
	var head [5]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(head[1:])
	if n > maxFrame {
		return 0, nil, fmt.Errorf("frame of %d bytes, more than %d", n, maxFrame)
	}
	payload := make([]byte, n)
	if _, err := io.ReadFull(r, payload); err != nil {
		return 0, nil, err
	}
	return head[0], payload, nil
}
