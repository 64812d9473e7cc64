package com.example.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;

import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

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

    /** Imports the supplier's XML feed: <catalog><product sku=".." price-cents="..">name</product>...</catalog> */
    @PostMapping("/api/catalog/import.xml")
    @PreAuthorize("hasRole('CATALOG_EDITOR')")
    public ResponseEntity<Integer> importXml(@RequestParam("file") MultipartFile file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        DocumentBuilder builder = factory.newDocumentBuilder();
        Document doc = builder.parse(file.getInputStream());
        NodeList nodes = doc.getElementsByTagName("product");
        List<Product> parsed = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            parsed.add(new Product(e.getAttribute("sku"), e.getTextContent().trim(),
                    Long.parseLong(e.getAttribute("price-cents"))));
        }
        products.saveAll(parsed);
        return ResponseEntity.ok(parsed.size());
    }
}
