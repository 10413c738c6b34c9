import { getApiServices } from "~/server/api/services";
import { handleRestRequest } from "~/server/rest/handler";

// Every method reaches the REST handler, so an unsupported one gets its 405 problem with an Allow header.
const handler = (req: Request) => handleRestRequest(req, getApiServices);

export { handler as GET, handler as POST, handler as PATCH, handler as PUT, handler as DELETE };
