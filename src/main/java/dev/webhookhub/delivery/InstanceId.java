package dev.webhookhub.delivery;

import java.net.InetAddress;
import java.util.UUID;

import org.springframework.stereotype.Component;

/** Names this hub process in lease columns and logs: host plus a random suffix, new at every start. */
@Component
public class InstanceId {

    private final String value;

    public InstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "hub";
        }
        String name = host + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.value = name.length() > 64 ? name.substring(name.length() - 64) : name;
    }

    public String value() {
        return value;
    }
}
