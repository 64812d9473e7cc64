package com.example.assets;

import java.io.IOException;
import java.io.InputStream;

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
        resp.setContentType(AssetNames.contentType(name));
        resp.setContentLength(body.length);
        resp.getOutputStream().write(body);
    }
}
