package exports

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Server serves the CSV exports that the nightly job writes into ExportDir.
type Server struct {
	ExportDir string
}

// handleList answers GET /exports with the names of the available exports.
func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	entries, err := os.ReadDir(s.ExportDir)
	if err != nil {
		http.Error(w, "exports unavailable", http.StatusServiceUnavailable)
		return
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		if e.Type().IsRegular() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(names)
}

// handleDownload answers GET /exports/download?file=NAME with the export's content.
func (s *Server) handleDownload(w http.ResponseWriter, r *http.Request) {
	// only a plain file name is accepted: the last element, and only .csv files
	name := filepath.Base(r.URL.Query().Get("file"))
	if !strings.HasSuffix(name, ".csv") || strings.HasPrefix(name, ".") {
		http.Error(w, "bad file parameter", http.StatusBadRequest)
		return
	}
	p := filepath.Join(s.ExportDir, name)
	f, err := os.Open(p)
	if err != nil {
		http.Error(w, "no such export", http.StatusNotFound)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "text/csv")
	w.Header().Set("Content-Disposition", "attachment; filename="+strconv.Quote(filepath.Base(p)))
	io.Copy(w, f)
}

// Routes registers the handlers.
func (s *Server) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /exports", s.handleList)
	mux.HandleFunc("GET /exports/download", s.handleDownload)
}
