// A webhook receiver for trying the hub out: prints every delivery's Standard Webhooks headers and body.
// Run with any JDK 11+:  java bin/Receiver.java 9000
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;

public class Receiver {
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 9000;
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), "UTF-8");
            var h = exchange.getRequestHeaders();
            System.out.printf("%s %s%n  webhook-id: %s%n  webhook-timestamp: %s%n  webhook-signature: %s%n  %s%n%n",
                    exchange.getRequestMethod(), exchange.getRequestURI(), h.getFirst("webhook-id"),
                    h.getFirst("webhook-timestamp"), h.getFirst("webhook-signature"), body);
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        System.out.println("listening on http://127.0.0.1:" + port + "/");
    }
}
