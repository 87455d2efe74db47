import { useEffect, useState } from "react";
import { socketHome } from "./socketHome";

/** "shared · lives in flow A" under a shared socket node: it reuses a socket made elsewhere. */
export function SharedLabel({ socketName }: { socketName: string }) {
  const [home, setHome] = useState("");
  useEffect(() => {
    let current = true;
    void socketHome(socketName).then((found) => current && setHome(found));
    return () => {
      current = false;
    };
  }, [socketName]);
  return (
    <div className="socket-shared" title="A shared socket: this flow uses it as it is and never changes it">
      shared{home && ` · ${home}`}
    </div>
  );
}
