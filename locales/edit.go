package locales

import (
	"bytes"
	"fmt"
	"strings"
)

// SetMessage writes m into raw, the content of a message file: its line is
// replaced when the file has it, otherwise the line is added after the
// message after (or at the end of the file when the file lacks after).
// Every other byte of the file stays as it is, comments included.
func SetMessage(raw []byte, m Message, after string) ([]byte, error) {
	lines := bytes.SplitAfter(raw, []byte("\n"))
	at, replace := len(lines), false
	for i, l := range lines {
		if id := lineID(l); id == m.ID {
			at, replace = i, true
			break
		} else if id == after && after != "" {
			at = i + 1
		}
	}
	var out []byte
	for _, l := range lines[:at] {
		out = append(out, l...)
	}
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	out = append(out, messageLine(m)...)
	out = append(out, '\n')
	if replace {
		at++
	}
	for _, l := range lines[at:] {
		out = append(out, l...)
	}
	if _, err := ParseFile(out); err != nil {
		return nil, fmt.Errorf("%s: %w", m.ID, err)
	}
	return out, nil
}

// lineID is the id a line of a message file defines, or "".
func lineID(line []byte) string {
	s := string(line)
	if !strings.HasPrefix(s, `"`) {
		return ""
	}
	end := strings.Index(s[1:], `" =`)
	if end < 0 {
		return ""
	}
	return s[1 : end+1]
}

// messageLine is m as one line of a message file.
func messageLine(m Message) string {
	if !m.Plural {
		return quote(m.ID) + " = " + quote(m.Text())
	}
	var parts []string
	for _, f := range PluralForms {
		if text, ok := m.Forms[f]; ok {
			parts = append(parts, f+" = "+quote(text))
		}
	}
	return quote(m.ID) + " = { " + strings.Join(parts, ", ") + " }"
}

// quote writes s as a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
