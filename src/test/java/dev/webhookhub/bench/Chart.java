package dev.webhookhub.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import javax.imageio.ImageIO;

/** A horizontal bar chart as a PNG, drawn with Java2D so the benchmark needs nothing else. */
final class Chart {

    private Chart() {
    }

    static void horizontalBars(String title, Map<String, Double> values, Path file) throws IOException {
        int rowHeight = 34;
        int labelWidth = 330;
        int barWidth = 520;
        int width = labelWidth + barWidth + 110;
        int height = 60 + rowHeight * values.size() + 20;
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(new Color(0x22, 0x22, 0x22));
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, 16, 30);
        double max = values.values().stream().mapToDouble(Double::doubleValue).max().orElse(1);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int y = 52;
        for (var entry : values.entrySet()) {
            boolean baseline = entry.getKey().startsWith("ceiling");
            int length = (int) Math.round(barWidth * entry.getValue() / max);
            g.setColor(baseline ? new Color(0x9e, 0x9e, 0x9e) : new Color(0x2e, 0x6d, 0xb4));
            g.fillRect(labelWidth, y + 6, Math.max(length, 1), rowHeight - 12);
            g.setColor(new Color(0x22, 0x22, 0x22));
            g.drawString(entry.getKey(), 16, y + rowHeight / 2 + 5);
            g.drawString(String.format("%,.0f", entry.getValue()), labelWidth + length + 8, y + rowHeight / 2 + 5);
            y += rowHeight;
        }
        g.setColor(new Color(0xcc, 0xcc, 0xcc));
        g.setStroke(new BasicStroke(1));
        g.drawLine(labelWidth, 48, labelWidth, y);
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
