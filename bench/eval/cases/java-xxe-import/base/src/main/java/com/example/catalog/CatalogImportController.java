package com.example.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

@RestController
public class CatalogImportController {
    private final ProductRepository products;

    public CatalogImportController(ProductRepository products) {
        this.products = products;
    }

    /** Imports a CSV file of "sku,name,price_cents" lines. */
    @PostMapping("/api/catalog/import.csv")
    @PreAuthorize("hasRole('CATALOG_EDITOR')")
    public ResponseEntity<Integer> importCsv(@RequestParam("file") MultipartFile file) throws IOException {
        List<Product> parsed = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(file.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] cols = line.split(",", 3);
                if (cols.length == 3) {
                    parsed.add(new Product(cols[0].trim(), cols[1].trim(), Long.parseLong(cols[2].trim())));
                }
            }
        }
        products.saveAll(parsed);
        return ResponseEntity.ok(parsed.size());
    }
}
