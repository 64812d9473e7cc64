package com.example.assets;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/** Serves the bundled front-end assets from the class path. */
public class AssetServlet extends HttpServlet {
    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String name = AssetNames.resolve(req.getPathInfo());
        if (name == null) {
            resp.sendError(HttpServletResponse.SC_NOT_FOUND);
            return;
        }
        byte[] body;
        try (InputStream in = getClass().getResourceAsStream("/static/" + name)) {
            if (in == null) {
                resp.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            body = in.readAllBytes();
        }
        // a strong validator so browsers revalidate with If-None-Match instead of downloading again
        String etag = "\"" + contentHash(body) + "\"";
        resp.setHeader("ETag", etag);
        resp.setHeader("Cache-Control", "public, max-age=0, must-revalidate");
        if (etag.equals(req.getHeader("If-None-Match"))) {
            resp.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        resp.setContentType(AssetNames.contentType(name));
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }

    /** MD5 of the asset: a cache key for public files, not a security boundary. */
    static String contentHash(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
