// Package poster draws printable posters for pharmacies, surgeries and
// waiting rooms: a QR code that opens the bot on one network, the network's
// name and a neutral line of text. Nothing on it says what the bot is
// about, so that a photo of it, or a glance over her shoulder, gives no
// one away.
package poster

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/skip2/go-qrcode"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// A4 at 150 dots per inch: sharp enough to print, small enough to mail.
const (
	width  = 1240
	height = 1754
	margin = 110
	qrSize = 880
)

// Poster is what a poster shows.
type Poster struct {
	// Link is encoded in the QR code and printed under it.
	Link string
	// Title is the network's name.
	Title string
	// Lines are short neutral sentences, in the reader's language.
	Lines []string
	// Hint is printed small above the link (how to scan or search).
	Hint string
}

// botName is Telegram's alphabet for usernames; startParam the one of the
// start parameter of a deep link.
var (
	botName    = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_]{3,31}$`)
	startParam = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// DeepLink is the link that opens a chat with the bot and sends
// "/start network", which preselects the network.
func DeepLink(bot, network string) (string, error) {
	bot = strings.TrimPrefix(bot, "@")
	if !botName.MatchString(bot) {
		return "", fmt.Errorf("%q is not a Telegram bot username", bot)
	}
	if !startParam.MatchString(network) {
		return "", fmt.Errorf("the network id %q cannot be a deep link's start parameter (letters, digits, _ and -, at most 64)", network)
	}
	return "https://t.me/" + bot + "?start=" + url.QueryEscape(network), nil
}

// WebLink is the link that opens the web door at base (its public
// address, https) with the network preselected: base?n=network.
func WebLink(base, network string) (string, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" {
		return "", fmt.Errorf("%q is not the web door's address (like https://info.example.org/)", base)
	}
	if !startParam.MatchString(network) {
		return "", fmt.Errorf("the network id %q cannot be put in a link (letters, digits, _ and -, at most 64)", network)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	q := u.Query()
	q.Set("n", network)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// ErrScript means a text uses letters the poster's font cannot draw
// (Arabic, Persian, Chinese...).
var ErrScript = errors.New("poster: the font cannot draw this script (Latin, Greek and Cyrillic only)")

var colText = color.RGBA{0x26, 0x32, 0x38, 0xff}

// WritePNG draws the poster and encodes it as PNG.
func WritePNG(w io.Writer, p Poster) error {
	if p.Link == "" || strings.TrimSpace(p.Title) == "" {
		return errors.New("poster: a link and a title are required")
	}
	q, err := qrcode.New(p.Link, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("poster: QR code: %w", err)
	}
	bold, err := face(gobold.TTF, 64)
	if err != nil {
		return err
	}
	regular, err := face(goregular.TTF, 42)
	if err != nil {
		return err
	}
	small, err := face(goregular.TTF, 30)
	if err != nil {
		return err
	}
	// The Go fonts cover Latin, Greek and Cyrillic only, and drawing does
	// no right-to-left shaping: refuse rather than print empty boxes.
	for _, text := range append([]string{p.Title, p.Hint}, p.Lines...) {
		for _, r := range text {
			if _, ok := regular.GlyphAdvance(r); !ok && !unicode.IsSpace(r) {
				return fmt.Errorf("%w: %q", ErrScript, r)
			}
		}
	}
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)

	y := margin + 60
	y = drawLines(img, bold, p.Title, y, 80)
	y += 30
	for _, l := range p.Lines {
		y = drawLines(img, regular, l, y, 56)
	}
	y += 20
	code := q.Image(qrSize) // with its quiet zone
	at := image.Pt((width-qrSize)/2, y)
	draw.Draw(img, code.Bounds().Add(at), code, code.Bounds().Min, draw.Src)
	y += qrSize + 50
	if p.Hint != "" {
		y = drawLines(img, small, p.Hint, y, 42)
	}
	drawLines(img, small, strings.TrimPrefix(p.Link, "https://"), y, 42)

	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return fmt.Errorf("poster: encode: %w", err)
	}
	_, err = buf.WriteTo(w)
	return err
}

func face(ttf []byte, size float64) (font.Face, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, fmt.Errorf("poster: font: %w", err)
	}
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil, fmt.Errorf("poster: font: %w", err)
	}
	return fc, nil
}

// drawLines draws text centred, wrapped at the margins, with its first
// baseline at y, and returns the baseline after the last line.
func drawLines(img draw.Image, f font.Face, text string, y, lineHeight int) int {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(colText), Face: f}
	for _, line := range wrap(d, text, width-2*margin) {
		w := d.MeasureString(line).Round()
		d.Dot = fixed.P((width-w)/2, y)
		d.DrawString(line)
		y += lineHeight
	}
	return y
}

// wrap breaks text into lines no wider than max; a word wider than max
// stands alone on its line.
func wrap(d *font.Drawer, text string, max int) []string {
	var lines []string
	var cur string
	for _, w := range strings.Fields(text) {
		next := w
		if cur != "" {
			next = cur + " " + w
		}
		if cur != "" && d.MeasureString(next).Round() > max {
			lines = append(lines, cur)
			next = w
		}
		cur = next
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
