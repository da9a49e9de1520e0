// Runs the probes with java.net.http.HttpClient as HttpClient.newHttpClient() makes it (the defaults).
// stdin: one probe a line, tab-separated: id, method, url, body, expect (1 or 0).
// stdout: the Java version on the first line, then one result a line: id, status, error, body bytes.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

public class JavaHttpClient {
    public static void main(String[] args) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        StringBuilder out = new StringBuilder(System.getProperty("java.version")).append('\n');
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.split("\t", -1);
            HttpRequest.BodyPublisher body = f[3].isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(f[3]);
            HttpRequest request = HttpRequest.newBuilder(URI.create(f[2])).method(f[1], body)
                .expectContinue(f[4].equals("1")).timeout(Duration.ofSeconds(8)).build();
            try {
                HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                out.append(f[0]).append('\t').append(response.statusCode()).append("\t\t").append(response.body().length).append('\n');
            } catch (Exception e) {
                out.append(f[0]).append("\t\t").append(e.getClass().getSimpleName()).append("\t0\n");
            }
        }
        System.out.print(out);
    }
}
