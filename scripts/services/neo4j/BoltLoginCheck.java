// Waits until a Neo4j server accepts a Bolt login. Used by ../neo4j.sh start.
//
//   java -cp '<its classes>:<neo4j lib>/*' BoltLoginCheck HOST:PORT USER TIMEOUT_SECONDS
//   (neo4j.sh compiles it once into the jars' cache)
//   (password from the environment variable NEO4J_PASSWORD)
//
// Exit codes: 0 login accepted; 3 the server rejected the credentials (no
// point in retrying); 4 no successful login before the timeout.
// It uses the Java driver that org.neo4j:neo4j already depends on.
import java.util.concurrent.TimeUnit;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.exceptions.AuthenticationException;

public class BoltLoginCheck {
    public static void main(String[] args) throws InterruptedException {
        String address = args[0];
        String user = args[1];
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[2]));
        String password = System.getenv("NEO4J_PASSWORD");
        Config config = Config.builder()
                .withoutEncryption()
                .withLogging(Logging.none())
                .withConnectionTimeout(5, TimeUnit.SECONDS)
                .build();
        String lastError = "no attempt";
        while (System.nanoTime() < deadline) {
            try (Driver driver = GraphDatabase.driver("bolt://" + address, AuthTokens.basic(user, password), config)) {
                driver.verifyConnectivity(); // HELLO/LOGON: fails unless the login is accepted
                System.exit(0);
            } catch (AuthenticationException e) {
                System.err.println("login rejected: " + e.code() + ": " + e.getMessage());
                System.exit(3);
            } catch (RuntimeException e) {
                lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            Thread.sleep(1000);
        }
        System.err.println("no Bolt login before the timeout; last error: " + lastError);
        System.exit(4);
    }
}
